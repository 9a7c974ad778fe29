# Messages of the core: errors and catalog bundle problems.

count-products = { $count ->
    [one] { $count } product
   *[other] { $count } products
}

error-invalid-bundle = { $count ->
    [one] the catalog bundle has { $count } problem; nothing was changed
   *[other] the catalog bundle has { $count } problems; nothing was changed
}
error-not-found = not found: { $id }
error-bad-request = the request is not valid: { $detail }
error-no-catalog = no catalog has been imported yet
error-io = cannot read or write { $path }: { $detail }
error-io-client = a file of the showroom's data could not be read or written
error-storage = the local database could not be read or written
error-disk-full = the disk that holds the showroom's data is full, so nothing was changed; free some space and try again
error-search = the search index could not be used
error-internal = something went wrong inside the showroom

problem-not-a-directory = not a catalog bundle folder
problem-file-missing = required file is missing
problem-not-regular-file = { $type ->
    [fifo] "{ $value }" is a named pipe (FIFO), not a regular file; it was not read
    [socket] "{ $value }" is a socket, not a regular file; it was not read
    [device] "{ $value }" is a device, not a regular file; it was not read
    [directory] "{ $value }" is a folder, not a regular file
   *[other] "{ $value }" is not a regular file; it was not read
}
problem-file-too-large = file is larger than { $max } bytes
problem-line-too-long = line is longer than { $max } bytes
problem-encoding = text is not valid UTF-8
problem-json = not valid JSON ({ $detail })
problem-toml = not valid TOML ({ $detail })
problem-missing = required field is missing
problem-type = must be of type { $expected }
problem-id = must be 1 to 64 characters of a-z, 0-9 and '-'
problem-duplicate = the id "{ $id }" is used more than once
problem-unknown-ref = refers to unknown { $target } "{ $id }"
problem-country = "{ $value }" is not an ISO 3166-1 alpha-2 country code
problem-currency = "{ $value }" is not an ISO 4217 currency code
problem-unit = "{ $value }" is not one of the units kg, g, t, l, ml, piece, box, pack, bottle, carton, pallet, m2
problem-certification = "{ $value }" is not a known certification
problem-storage = "{ $value }" is not one of ambient, chilled, frozen
problem-hs-code = "{ $value }" is not an HS code (4 to 10 digits, dots allowed)
problem-positive = must be a number greater than zero
problem-range = must be a number from { $min } to { $max }
problem-tiers-order = price tiers must have ascending min_qty
problem-empty = must not be empty
problem-too-long = longer than { $max } characters
problem-too-many = more than { $max } entries
problem-language-tag = "{ $value }" is not a language tag such as zh, ru or en
problem-format-version = format { $value } is not supported (only format 1)
problem-datetime = "{ $value }" is not an RFC 3339 date and time
problem-url = "{ $value }" is not an http or https address
problem-path-escape = the path "{ $value }" leaves the bundle or is not under images/
problem-image-missing = image "{ $value }" does not exist
problem-image-format = "{ $value }" is not a JPEG, PNG or WebP image
problem-image-too-large = image "{ $value }" is { $width }×{ $height } pixels; the limit is { $max } per side
problem-image-decode = image "{ $value }" cannot be decoded ({ $detail })
problem-image-memory = image "{ $value }" ({ $width }×{ $height } pixels) would take { $megabytes } MB to decode; the limit is { $max } MB
problem-booth-outside = the booth lies outside hall { $hall }
error-rate-limited = { $seconds ->
    [one] too many requests from this address; please try again in a second
   *[other] too many requests from this address; please try again in { $seconds } seconds
}
error-busy = { $seconds ->
    [one] the show is very busy right now and nothing was saved; please try again in a second
   *[other] the show is very busy right now and nothing was saved; please try again in { $seconds } seconds
}
error-unauthorized = this needs the operator's token
error-config = { $origin } has a mistake ({ $detail }); fix it and try again
error-config-client = this device's settings have a mistake; the operator has to fix them
