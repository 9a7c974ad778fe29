# Messages of the showroom command line.

cli-error = error: { $message }
cli-check-ok = { $bundle }: the bundle is valid ({ count-products })
cli-import-stage-checking = Checking the bundle…
cli-import-stage-photos = Preparing the photos
cli-import-stage-index = Building the search index…
cli-import-stage-saving = Saving the catalog…
cli-import-done = imported { $catalog } version { $version }: { $products } products, { $exhibitors } exhibitors, { $categories } categories, { $images } images in { $seconds } s
cli-import-unchanged = { $catalog } version { $version } is already the current catalog; nothing to do
cli-import-skipped = { $count ->
    [one] skipped { $count } invalid product:
   *[other] skipped { $count } invalid products:
}
cli-problems-more = { $count ->
    [one] … and { $count } more problem
   *[other] … and { $count } more problems
}
cli-stats-header = catalog { $catalog } version { $version }
cli-stats-counts = { $products } products, { $exhibitors } exhibitors, { $categories } categories, { $images } images
cli-stats-countries = products per country:
cli-stats-languages = product names per language:
cli-search-summary = { $total ->
    [one] { $total } match in { $ms } ms
   *[other] { $total } matches in { $ms } ms
}
cli-search-none = nothing matches “{ $query }”; try fewer or shorter words
cli-search-related = related goods (not matches for every word):
cli-search-related-spelling = related goods (names spelled nearly as typed):
cli-search-related-description = related goods (their descriptions mention it):

## Inquiries, outbox and the trade platform

cli-inquiry-queued = inquiry { $ref } is saved in the outbox and will be sent to the trade platform
cli-inquiry-invalid = { $count ->
    [one] the inquiry has { $count } problem; nothing was saved:
   *[other] the inquiry has { $count } problems; nothing was saved:
}
cli-inquiry-unreadable = cannot read the inquiry in { $file }: { $detail }
cli-outbox-empty = the outbox is empty
cli-outbox-row = { $ref }  { $state }  tries: { $attempts }  next try: { $next }  platform: { $platform }  { $error }
cli-outbox-flushed = delivered { $delivered }, refused { $failed }, still undelivered { $left }
cli-outbox-auth-alert = { $count ->
    [one] ALERT: the trade platform refuses this device's token; { $count } inquiry is kept and will be sent once [platform] token in showroom.toml (or SHOWROOM_PLATFORM_TOKEN) is fixed and the app restarted
   *[other] ALERT: the trade platform refuses this device's token; { $count } inquiries are kept and will be sent once [platform] token in showroom.toml (or SHOWROOM_PLATFORM_TOKEN) is fixed and the app restarted
}
cli-outbox-catalog-held = { $count ->
    [one] { $count } inquiry names a product the trade platform does not know yet; it is kept and sent again after the next catalog sync
   *[other] { $count } inquiries name a product the trade platform does not know yet; they are kept and sent again after the next catalog sync
}
cli-platform-missing = no trade platform is configured: set SHOWROOM_PLATFORM_URL and SHOWROOM_PLATFORM_TOKEN, or url and token under [platform] in showroom.toml
cli-sync-not-modified = the catalog is up to date (version { $version })
cli-sync-full = catalog version { $version } downloaded in full and applied: { $products } products, { $fetched } images fetched
cli-sync-delta = catalog updated to version { $version }: { $operations } changes, { $fetched } images fetched, { $products } products in all
cli-search-corrected = showing results for “{ $query }”
cli-search-by-sound = no name has “{ $query }”: showing names that sound the same
cli-generate-done = wrote { $count } products to { $dir }
cli-verify-ok = the data directory is sound: database { $integrity }, { $products } products, { $indexed } indexed
cli-verify-failed = the data directory has a problem: database { $integrity }, { $products } products, { $indexed } indexed

## The kiosk's admin PIN

cli-kiosk-pin-set = the admin PIN is set in { $dir }; failed tries and any lockout are cleared
cli-kiosk-pin-invalid = the PIN must be 4 to 12 digits (one line on standard input); nothing was changed
cli-kiosk-pin-unreadable = cannot read the PIN from standard input; nothing was changed
cli-kiosk-unlocked = the admin PIN lockout is lifted ({ $minutes } min were left); failed tries are cleared
cli-kiosk-not-locked = the admin PIN was not locked out; failed tries are cleared
cli-kiosk-no-pin = no admin PIN is set in { $dir }: set one with “showroom kiosk set-pin”

## showroom kiosk guard
cli-guard-started = started the app (process { $pid }, start { $start })
cli-guard-ready = the app draws its screen (process { $pid }, { $seconds } s after its start)
cli-guard-exited = the app (process { $pid }) ended with status { $status }
cli-guard-hung = the app (process { $pid }) has not drawn its screen for { $seconds } s: it was ended
cli-guard-never-ready = the app (process { $pid }) did not draw its screen within { $seconds } s of its start: it was ended
cli-guard-start-failed = the app could not be started: { $error }
cli-guard-restarting = starting the app again in { $seconds } s
cli-guard-operator-exit = the app was left by an operator (status 0): the guard stops
cli-guard-gave-up = { $starts ->
    [one] { $starts } start
   *[other] { $starts } starts
} within { $seconds } s: the app is not started again until an operator looks at its log and starts the guard

## The online show's pages (HTML heads and text for link previews and search engines)
page-site-name = SCO Showroom
page-home-title = Specialty goods of the SCO countries
page-home-description = The online show of the China–SCO Local Economic and Trade Cooperation Demonstration Zone in Qingdao: { $products } products from { $exhibitors } exhibitors, with prices and order inquiries.
page-categories = Categories
page-products = Products
page-price-from = from { $price } { $currency } per { $unit }
page-exhibitor = Exhibitor: { $name }
page-category = Category: { $name }
page-made-in = Made in { $place }
page-exhibitor-description = { $name } ({ $place }) at the SCO Showroom: { $count ->
    [one] one product
   *[other] { $count } products
}.
page-category-description = { $name } at the SCO Showroom: { $count ->
    [one] one product
   *[other] { $count } products
} from the SCO countries.
page-search-title = Search
page-search-label = Search the catalog
page-search-placeholder = Product, country, exhibitor…
page-search-submit = Search
page-search-related = Related goods
page-search-found = { $count ->
    [one] { $count } product found
   *[other] { $count } products found
}
page-not-found = Not found
page-other-title = SCO Showroom

## showroom insights
cli-insights-period = Demand insights from { $from } to { $to } (UTC)
cli-insights-empty = nothing was counted in this period
cli-insights-funnel = Sessions { $sessions } → searched { $searched } → viewed a product { $viewed } → shortlisted { $shortlisted } → opened an inquiry { $started } → sent one { $sent }
cli-insights-totals = Searches { $searches } (found nothing: { $zero }), product views { $views }, shortlist adds { $shortlists }, inquiries { $inquiries }
cli-insights-sessions = Sessions by language: { $list }
cli-insights-searches = Top searches ({ $lang }):
cli-insights-zero = Searches that found nothing ({ $lang }):
cli-insights-search-row = { $count } ×  { $query }  (sessions: { $sessions }, goods found: { $results })
cli-insights-contact = (looked like contact data: counted, not kept)
cli-insights-missing = Goods asked for and not exhibited (invite their producers):
cli-insights-missing-row = { $count } ×  { $name }: { $queries }
cli-insights-unnamed = (no known kind of goods)
cli-insights-products = Products most asked about:
cli-insights-product-row = { $name } ({ $id }): views { $views }, shortlisted { $shortlisted }, inquiry forms { $started }, inquiries { $inquiries }
cli-insights-exhibitors = Exhibitors:
cli-insights-exhibitor-row = { $name } ({ $id }): page views { $pages }, product views { $views }, shortlisted { $shortlisted }, inquiries { $inquiries }
cli-insights-exhibitor-title = Report for { $name }, { $from } to { $to } (UTC)
cli-insights-countries = Inquiries by buyer country: { $list }
cli-insights-hours = Sessions by hour of day (local time):
