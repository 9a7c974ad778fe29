# Inquiry form: field errors shown beside the field, outbox states, and the trade platform.

inquiry-error-required = This field is required
inquiry-error-invalid = This value is not valid
inquiry-error-too-long = { $max ->
    [one] At most { $max } character
   *[other] At most { $max } characters
}
inquiry-error-too-few = Add at least one product
inquiry-error-too-many = { $max ->
    [one] At most { $max } product in one inquiry
   *[other] At most { $max } products in one inquiry
}
inquiry-error-not-positive = Must be greater than zero
inquiry-error-unknown-unit = Choose a unit from the list
inquiry-error-unknown-incoterm = Choose an Incoterms 2020 term, or “not sure”
inquiry-error-unknown-country = Choose a country from the list
inquiry-error-unknown-currency = Choose a currency from the list
inquiry-error-contact-required = Give at least one way to reach you: e-mail, phone or messenger
inquiry-error-consent-required = Tick the box to agree to be contacted about this inquiry

inquiry-state-queued = queued
inquiry-state-sending = sending
inquiry-state-received = received
inquiry-state-failed = failed

inquiry-failure-invalid = the trade platform found the inquiry invalid
inquiry-failure-unauthorized = the trade platform does not accept this device (check its token)
inquiry-failure-conflict = this reference was already used for a different inquiry
inquiry-failure-too-large = the inquiry is too large for the trade platform
inquiry-failure-unknown-product = the trade platform does not know one of the products

error-platform = the trade platform could not be reached or gave an unexpected answer ({ $detail })
error-platform-client = the trade platform could not be reached or gave an unexpected answer
error-platform-url = the trade platform's address { $url } is not allowed: it must start with https:// (http:// only for this computer: localhost, 127.0.0.1, ::1); fix url under [platform] in showroom.toml or SHOWROOM_PLATFORM_URL
