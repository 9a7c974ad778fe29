# showroom 命令行的消息。

cli-error = 错误：{ $message }
cli-check-ok = { $bundle }：目录包有效（{ count-products }）
cli-import-done = 已导入目录 { $catalog } 版本 { $version }：商品 { $products } 件，展商 { $exhibitors } 家，类别 { $categories } 个，图片 { $images } 张，用时 { $seconds } 秒
cli-import-unchanged = 目录 { $catalog } 版本 { $version } 已是当前目录，无需操作
cli-import-skipped = 跳过了 { $count } 件无效商品：
cli-stats-header = 目录 { $catalog } 版本 { $version }
cli-stats-counts = 商品 { $products } 件，展商 { $exhibitors } 家，类别 { $categories } 个，图片 { $images } 张
cli-stats-countries = 各国商品数：
cli-stats-languages = 各语言的商品名称数：
cli-search-summary = 找到 { $total } 个结果，用时 { $ms } 毫秒
cli-search-none = 没有与“{ $query }”匹配的结果；请尝试更少或更短的词
