# Messages of the showroom command line.

cli-error = error: { $message }
cli-check-ok = { $bundle }: the bundle is valid ({ count-products })
cli-import-done = imported { $catalog } version { $version }: { $products } products, { $exhibitors } exhibitors, { $categories } categories, { $images } images in { $seconds } s
cli-import-unchanged = { $catalog } version { $version } is already the current catalog; nothing to do
cli-import-skipped = { $count ->
    [one] skipped { $count } invalid product:
   *[other] skipped { $count } invalid products:
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
