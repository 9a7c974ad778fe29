# Strings of the showroom's web UI (ui/). Every locale has exactly the same ids and attributes.

## Header

# Shown until the catalog's own title has loaded, and as the window title fallback.
app-title = SCO Showroom
# Autonyms on the language buttons: the same text in every locale, do not translate.
lang-name-zh = 中文
lang-name-ru = Русский
lang-name-en = English
lang-switch-label = Language

## Search

search-label = Search the catalog
search-placeholder = Product, country, exhibitor…
search-clear = Clear search

## Results

results-label = Products
result-count = { $count ->
    [one] { $count } product
   *[other] { $count } products
}
results-loading = Searching…
results-more = Show more

## Facets

facet-country = Country
facet-category = Category
facet-all = All
facet-more = { $count } more
facet-fewer = Fewer
filters-clear = Clear filters

## Empty results

empty-title = No products found
empty-title-query = Nothing found for “{ $query }”
empty-related = Related goods
empty-related-hint = They share some of your words; none is what you searched for.
empty-related-hint-spelling = Their names are spelled nearly as you typed; none is what you searched for.
empty-related-hint-description = Their descriptions mention what you typed; none is what you searched for.
more-related-hint = Other goods of the same kind; they do not match every word you searched for.
search-corrected = Searched as “{ $query }”: the keyboard was in the other layout
search-by-sound = No name has “{ $query }”: these goods are named with characters that sound the same
empty-hint = Check the spelling, type fewer letters, or try another language: names can be searched in Chinese, Russian, English and pinyin.
empty-hint-filters = Filters are on: clear them to see more products.

## Product card

card-price-from = from { $price } / { $unit }
price-on-request = Price on request
card-moq = MOQ { $quantity }
tag-featured = Featured
tag-new = New
# Marks a product text shown in another language than the chosen one. $lang is zh, ru, en or another code.
text-fallback = { $lang ->
    [zh] In Chinese
    [ru] In Russian
    [en] In English
   *[other] Not translated
}
text-fallback-title = Not yet available in English

## Product page

product-back = Back to results
product-loading = Loading product…
product-gallery = Product photos
product-photo = Photo { $index } of { $total }
product-photo-prev = Previous photo
product-photo-next = Next photo
product-no-image = No photo yet
product-description = Description
product-details = Details
product-origin = Origin
# A product's origin when the city is known.
origin-place = { $country }, { $city }
product-exhibitor = Exhibitor
product-booth = Booth
product-category = Category
product-unit = Unit
product-moq = Minimum order
product-prices = Prices
price-col-qty = Order quantity
price-col-price = Unit price
price-tier-qty = from { $quantity }
price-per-unit = { $price } / { $unit }
product-certifications = Certifications
product-storage = Storage
product-shelf-life = Shelf life
product-hs-code = HS code
product-updated = Updated

shelf-life-days = { $count ->
    [one] { $count } day
   *[other] { $count } days
}
shelf-life-months = { $count ->
    [one] { $count } month
   *[other] { $count } months
}
shelf-life-years = { $count ->
    [one] { $count } year
   *[other] { $count } years
}

## Storage

storage-ambient = Room temperature
storage-chilled = Chilled
storage-frozen = Frozen

## Certifications

cert-organic = Organic
cert-halal = Halal
cert-kosher = Kosher
cert-gi = Geographical indication
cert-iso22000 = ISO 22000
cert-haccp = HACCP
cert-gost = GOST
cert-eac = EAC
cert-ccc = CCC
cert-fairtrade = Fairtrade

## Units
# The value is the unit's name; .per is the form after "per" in a price; .count is a quantity.

unit-kg = kilogram
    .per = kg
    .count = { $count } kg
unit-g = gram
    .per = g
    .count = { $count } g
unit-t = tonne
    .per = t
    .count = { $count } t
unit-l = liter
    .per = L
    .count = { $count } L
unit-ml = milliliter
    .per = mL
    .count = { $count } mL
unit-piece = piece
    .per = piece
    .count = { $count ->
        [one] { $count } piece
       *[other] { $count } pieces
    }
unit-box = box
    .per = box
    .count = { $count ->
        [one] { $count } box
       *[other] { $count } boxes
    }
unit-pack = pack
    .per = pack
    .count = { $count ->
        [one] { $count } pack
       *[other] { $count } packs
    }
unit-bottle = bottle
    .per = bottle
    .count = { $count ->
        [one] { $count } bottle
       *[other] { $count } bottles
    }
unit-carton = carton
    .per = carton
    .count = { $count ->
        [one] { $count } carton
       *[other] { $count } cartons
    }
unit-pallet = pallet
    .per = pallet
    .count = { $count ->
        [one] { $count } pallet
       *[other] { $count } pallets
    }
unit-m2 = square meter
    .per = m²
    .count = { $count } m²

## Errors (chosen by the error code, never the raw message)

error-not-found = This product is no longer in the catalog.
error-bad-request = The request could not be understood. Please change it and try again.
error-storage = The catalog cannot be read right now. Please ask the hall staff for help.
error-disk-full = The device's storage is full, so nothing could be saved. Please ask the hall staff for help.
error-search = Search is not available right now. Please try again in a moment.
error-internal = Something went wrong. Please try again.
error-no-catalog = The catalog is still being loaded. Please wait a moment.
error-invalid-bundle = The catalog could not be loaded. Please ask the hall staff for help.
error-rate-limited = Too many requests from your connection. Please wait a moment and try again.
error-busy = The show is very busy right now and nothing was saved. Please try again in a moment.
error-unauthorized = This is for the show's operators only.
error-config = This device's settings have a mistake. Please ask the hall staff for help.
error-retry = Try again
error-dismiss = Dismiss

## Showroom screens (attract, home, hall map, exhibitor, shortlist, kiosk)

nav-label = Sections
nav-home = Home
nav-search = All products
nav-hall = Hall map
nav-shortlist = Shortlist
attract-touch = Touch to start
attract-stats = { $products ->
    [one] one product
   *[other] { $products } products
} from { $countries ->
    [one] one country
   *[other] { $countries } countries
}
home-preparing = Preparing the catalog…
home-map-title = Countries exhibiting
map-member = SCO member states
map-observer = observers
map-partner = dialogue partners
map-source = Map: { $source }
map-status-member = SCO member state
map-status-observer = SCO observer state
map-status-partner = SCO dialogue partner
map-partner-city = partner cities
map-country-goods = { $count ->
    [one] See its { $count } product
   *[other] See all { $count } products
}
map-country-exhibitors = { $count ->
    [one] { $count } exhibitor
   *[other] { $count } exhibitors
}
map-country-cities = Cities
map-country-close = Close
map-partner-city-exhibitors = { $count ->
    [0] partner city
    [one] partner city, { $count } exhibitor
   *[other] partner city, { $count } exhibitors
}
home-cities = Cities
home-categories = Categories
home-featured = Featured
home-new = New
exhibitor-open = Exhibitor
exhibitor-products = { $count ->
    [one] { $count } product
   *[other] { $count } products
}
hall-title = Hall map
hall-booth = Booth { $booth }
hall-show-booth = Booth { $booth } on the map
hall-you-are-here = You are here
shortlist-title = Shortlist
shortlist-count = { $count ->
    [0] Nothing on the shortlist
    [one] { $count } product on the shortlist
   *[other] { $count } products on the shortlist
}
shortlist-empty = Add products from their pages to ask their exhibitors about them together.
shortlist-add = Add to shortlist
shortlist-remove = Remove from shortlist
shortlist-send-inquiry = Send inquiry
shortlist-qr-label = QR code of this shortlist in the online show
shortlist-qr-caption = Scan to take this shortlist to your phone.
shortlist-qr-partial = Scan to take the first { $count } of { $total } products to your phone.
inquiry-title = Inquiry
qr-label = QR code of this product in the online show
qr-caption = Scan to open this product on your phone.
share = Share
share-copied = Link copied.
share-copy-manually = Copy this link:
share-phone = Open on your phone
share-qr-label = QR code of this page in the online show
share-qr-caption = Scan to open this page on your phone.
idle-touch-to-continue = Touch to continue
idle-reset-in = { $seconds ->
    [one] Starting over in { $seconds } second
   *[other] Starting over in { $seconds } seconds
}
admin-open = Staff settings
admin-title = Staff settings
admin-enter-pin = Enter the PIN
admin-unlock = Unlock
admin-catalog = Catalog
admin-booth = Kiosk booth
admin-idle = Idle reset after
admin-now = Today
admin-outbox = Inquiries waiting to leave
admin-auth-failing = The trade platform refuses this device's token. Inquiries are kept and wait; they leave once the token in showroom.toml is fixed.
admin-reset = Reset now
admin-exit = Exit the app
admin-wrong-pin = { $remaining ->
    [one] Wrong PIN. { $remaining } try left.
   *[other] Wrong PIN. { $remaining } tries left.
}
admin-locked = Too many wrong PINs. Try again in { $minutes } min.
admin-no-pin = No PIN is set on this kiosk.
admin-close = Close
osk-open = Keyboard
osk-label = On-screen keyboard
osk-backspace = Delete
osk-space = Space
osk-clear = Clear
osk-close = Hide

## Inquiry form, receipt and history

nav-inquiries = My inquiries
inquiry-form-intro = { $count ->
    [one] Tell the exhibitor how much you need and on what terms.
   *[other] Tell the exhibitors how much of these { $count } products you need and on what terms.
}
inquiry-form-empty = Your shortlist is empty. Add products to it first, then ask for them here.
inquiry-form-to-shortlist = Back to shortlist
inquiry-form-no-platform = This device is not connected to the trade platform: your inquiry will be kept here and sent once it is.
inquiry-form-has-errors = { $count ->
    [one] Please correct 1 field below.
   *[other] Please correct { $count } fields below.
}
inquiry-form-products = Products and quantities
inquiry-form-moq = Minimum order: { $moq }
inquiry-form-tiers = Prices:
inquiry-form-tier = { $price } / { $unit } from { $qty }
inquiry-form-tier-at = At this quantity: { $price } / { $unit }
inquiry-form-below-moq = Below the minimum order of { $moq }
inquiry-form-quantity = Quantity
inquiry-form-unit = Unit
inquiry-form-target-price = Target price per { $unit } (optional)
inquiry-form-currency = Currency
inquiry-form-terms = Delivery terms
inquiry-form-incoterm = Incoterm
inquiry-form-incoterm-not-sure = Not sure
inquiry-form-destination-country = Destination country
inquiry-form-destination-place = City or port
inquiry-form-delivery-by = Wanted by
inquiry-form-message = Message to the exhibitor (optional)
inquiry-form-contact = Your contact details
inquiry-form-name = Name
inquiry-form-company = Company (optional)
inquiry-form-contact-hint = Give at least one: e-mail, phone or messenger.
inquiry-form-email = E-mail
inquiry-form-phone = Phone, with country code
inquiry-form-messenger = Messenger
inquiry-form-messenger-telegram = Telegram
inquiry-form-messenger-whatsapp = WhatsApp
inquiry-form-messenger-wechat = WeChat
inquiry-form-messenger-other = Other
inquiry-form-messenger-handle = Messenger account
inquiry-form-reply-lang = Language of the answer
inquiry-form-consent = I agree that the exhibitors and the trade platform of the demonstration zone may contact me about this inquiry.
inquiry-form-submit = Send inquiry
inquiry-form-sending = Sending…
inquiry-receipt-title = Thank you, your inquiry is saved
inquiry-receipt-state = Status:
inquiry-receipt-queued = It is stored on this device and will be passed to the trade platform as soon as there is a connection.
inquiry-receipt-no-platform = It is stored on this device. This device is not connected to the trade platform yet, so it will be sent later.
inquiry-receipt-qr = QR code of the inquiry reference
inquiry-receipt-ref = Reference
inquiry-receipt-date = Made on { $date }
inquiry-receipt-scan = Scan the code to follow this inquiry on your phone.
inquiry-receipt-history = My inquiries
inquiry-receipt-done = Done
inquiry-status-queued = queued
inquiry-status-sending = sending
inquiry-status-received = received
inquiry-status-failed = not delivered
inquiry-history-title = My inquiries
inquiry-history-empty = You have not sent any inquiries yet.
inquiry-history-no-platform = { $count ->
    [one] 1 inquiry is waiting: this device is not connected to the trade platform.
   *[other] { $count } inquiries are waiting: this device is not connected to the trade platform.
}
inquiry-history-platform-id = Trade platform number: { $id }
inquiry-history-retrying = { $attempts ->
    [one] Tried once, will try again.
   *[other] Tried { $attempts } times, will try again.
}
inquiry-history-personal-deleted = Your contact details have been deleted from this device.
inquiry-withdraw = Withdraw this inquiry
inquiry-withdraw-personal = Delete my contact details from this inquiry
inquiry-withdraw-confirm = Press again to confirm
inquiry-withdrawn-removed = The inquiry was withdrawn before it was sent; nothing was sent.
inquiry-withdrawn-personal-data-deleted = Your contact details were deleted here. The trade platform already has the inquiry.
inquiry-withdrawn-in-flight = The inquiry is being sent right now. Please try again in a few seconds.
inquiry-platform-status-received = Received by the trade platform
inquiry-platform-status-forwarded = Passed to the exhibitor
inquiry-platform-status-answered = The exhibitor has answered
inquiry-platform-status-closed = Closed
inquiry-platform-status-rejected = Declined
inquiry-failure-invalid = The trade platform found the inquiry invalid.
inquiry-failure-unauthorized = The trade platform does not accept this device. Please ask the hall staff.
inquiry-failure-conflict = This reference was already used for a different inquiry.
inquiry-failure-too-large = The inquiry is too large for the trade platform.
inquiry-failure-unknown-product = The trade platform does not know one of the products.

## Demand report (operators)
admin-insights = Demand report
insights-title = Demand report
insights-exhibitor-report = Exhibitor report
insights-pin-needed = Open the report from the staff settings with the PIN.
insights-token = Operator token
insights-open = Show the report
insights-refused = This was not accepted.
insights-failed = The report could not be made. Try again.
insights-loading = Loading…
insights-period = Period
insights-period-day = Last 24 hours
insights-period-week = Last 7 days
insights-period-month = Last 30 days
insights-print = Print
insights-range = { $from } to { $to } (UTC)
insights-replica-note = counted by this server
insights-empty = Nothing was counted in this period.
insights-funnel = From visit to inquiry
insights-stage-sessions = Visits
insights-stage-searched = Searched
insights-stage-viewed = Viewed a product
insights-stage-shortlisted = Shortlisted
insights-stage-started = Opened an inquiry
insights-stage-sent = Sent an inquiry
insights-hours = Visits by hour of the day
insights-languages = Visits by language
insights-missing = Goods visitors asked for that nobody exhibits
insights-missing-hint = Searches that found nothing, by the kind of goods they name: producers to invite.
insights-unnamed = Other searches
insights-searches = Most searched
insights-zero = Searched and not found
insights-found = { $count } found
insights-contact = (contact data: counted, not kept)
insights-products = Products most asked about
insights-exhibitors = Exhibitors
insights-exhibitor-open = Report
insights-back = Back to the whole report
insights-countries = Inquiries by buyer country
insights-col-product = Product
insights-col-views = Views
insights-col-shortlisted = Shortlisted
insights-col-inquiries = Inquiries
insights-col-exhibitor = Exhibitor
insights-col-pages = Page views

## First start
preparing-checking = Preparing the catalog: checking it…
preparing-photos = Preparing the catalog: photos { $done } of { $total }…
preparing-index = Preparing the catalog: making it searchable…
preparing-saving = Preparing the catalog: saving it…
