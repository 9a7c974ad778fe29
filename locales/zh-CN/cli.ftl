# showroom 命令行的消息。

cli-error = 错误：{ $message }
cli-check-ok = { $bundle }：目录包有效（{ count-products }）
cli-import-stage-checking = 正在检查数据包…
cli-import-stage-photos = 正在处理照片
cli-import-stage-index = 正在建立搜索索引…
cli-import-stage-saving = 正在保存目录…
cli-import-done = 已导入目录 { $catalog } 版本 { $version }：商品 { $products } 件，展商 { $exhibitors } 家，类别 { $categories } 个，图片 { $images } 张，用时 { $seconds } 秒
cli-import-unchanged = 目录 { $catalog } 版本 { $version } 已是当前目录，无需操作
cli-import-skipped = 跳过了 { $count } 件无效商品：
cli-problems-more = ……另有 { $count } 个问题
cli-stats-header = 目录 { $catalog } 版本 { $version }
cli-stats-counts = 商品 { $products } 件，展商 { $exhibitors } 家，类别 { $categories } 个，图片 { $images } 张
cli-stats-countries = 各国商品数：
cli-stats-languages = 各语言的商品名称数：
cli-search-summary = 找到 { $total } 个结果，用时 { $ms } 毫秒
cli-search-none = 没有与“{ $query }”匹配的结果；请尝试更少或更短的词
cli-search-related = 相关商品（并非每个词都相符）：
cli-search-related-spelling = 相关商品（名称拼写相近）：
cli-search-related-description = 相关商品（介绍中提及）：

## 询价、发送队列与贸易平台

cli-inquiry-queued = 询价 { $ref } 已保存到发送队列，将发送至贸易平台
cli-inquiry-invalid = 询价有 { $count } 处问题，未保存任何内容：
cli-inquiry-unreadable = 无法读取 { $file } 中的询价：{ $detail }
cli-outbox-empty = 发送队列为空
cli-outbox-row = { $ref }  { $state }  已尝试：{ $attempts } 次  下次尝试：{ $next }  平台编号：{ $platform }  { $error }
cli-outbox-flushed = 已送达 { $delivered } 份，被拒绝 { $failed } 份，尚未送达 { $left } 份
cli-outbox-auth-alert = 警告：贸易平台拒绝了本设备的令牌；{ $count } 份询价已保留，在修正 showroom.toml 中 [platform] 的 token（或 SHOWROOM_PLATFORM_TOKEN）并重启应用后即会发送
cli-outbox-catalog-held = { $count } 份询价包含贸易平台尚不认识的产品；已保留，将在下次目录同步后重新发送
cli-platform-missing = 尚未配置贸易平台：请设置 SHOWROOM_PLATFORM_URL 和 SHOWROOM_PLATFORM_TOKEN，或在 showroom.toml 的 [platform] 中填写 url 和 token
cli-sync-not-modified = 目录已是最新（版本 { $version }）
cli-sync-full = 已完整下载并应用目录版本 { $version }：共 { $products } 种商品，下载图片 { $fetched } 张
cli-sync-delta = 目录已更新至版本 { $version }：{ $operations } 项变更，下载图片 { $fetched } 张，共 { $products } 种商品
cli-search-by-sound = 没有名称包含“{ $query }”：显示读音相同的名称
cli-search-corrected = 显示“{ $query }”的结果
cli-generate-done = 已将 { $count } 件商品写入 { $dir }
cli-verify-ok = 数据目录完好：数据库 { $integrity }，商品 { $products } 件，已索引 { $indexed } 件
cli-verify-failed = 数据目录有问题：数据库 { $integrity }，商品 { $products } 件，已索引 { $indexed } 件

## 自助终端的管理员 PIN

cli-kiosk-pin-set = 管理员 PIN 已设置在 { $dir }；失败次数和锁定已清除
cli-kiosk-pin-invalid = PIN 必须是 4 到 12 位数字（标准输入的一行）；未做任何更改
cli-kiosk-pin-unreadable = 无法从标准输入读取 PIN；未做任何更改
cli-kiosk-unlocked = 管理员 PIN 的锁定已解除（原剩余 { $minutes } 分钟）；失败次数已清除
cli-kiosk-not-locked = 管理员 PIN 未被锁定；失败次数已清除
cli-kiosk-no-pin = { $dir } 中未设置管理员 PIN：请用“showroom kiosk set-pin”设置

## showroom kiosk guard
cli-guard-started = 已启动应用（进程 { $pid }，第 { $start } 次启动）
cli-guard-ready = 应用已绘制屏幕（进程 { $pid }，启动后 { $seconds } 秒）
cli-guard-exited = 应用（进程 { $pid }）已退出，状态码 { $status }
cli-guard-hung = 应用（进程 { $pid }）已 { $seconds } 秒未绘制屏幕：已将其结束
cli-guard-never-ready = 应用（进程 { $pid }）启动后 { $seconds } 秒内未绘制屏幕：已将其结束
cli-guard-start-failed = 无法启动应用：{ $error }
cli-guard-restarting = { $seconds } 秒后重新启动应用
cli-guard-operator-exit = 操作员已退出应用（状态码 0）：守护程序停止
cli-guard-gave-up = { $seconds } 秒内已启动 { $starts } 次：在操作员查看日志并重新启动守护程序之前，不再启动应用

## 线上展会页面（供链接预览和搜索引擎读取的 HTML 头部与文本）
page-site-name = 上合组织展厅
page-home-title = 上合组织国家地方特色商品
page-home-description = 中国—上海合作组织地方经贸合作示范区（青岛）线上展会：{ $exhibitors } 家参展商的 { $products } 种商品，附价格和询价。
page-categories = 商品类别
page-products = 商品
page-price-from = { $price } { $currency }/{ $unit } 起
page-exhibitor = 参展商：{ $name }
page-category = 类别：{ $name }
page-made-in = 产地：{ $place }
page-exhibitor-description = 上合组织展厅的 { $name }（{ $place }）：{ $count } 种商品。
page-category-description = 上合组织展厅的{ $name }：来自上合组织国家的 { $count } 种商品。
page-search-title = 搜索
page-search-label = 搜索商品目录
page-search-placeholder = 商品、国家、参展商…
page-search-submit = 搜索
page-search-related = 相关商品
page-search-found = 找到 { $count } 件商品
page-not-found = 未找到
page-other-title = 上合组织展厅

## showroom insights
cli-insights-period = 访客需求统计：{ $from } 至 { $to }（UTC）
cli-insights-empty = 此期间没有统计数据
cli-insights-funnel = 会话 { $sessions } → 搜索 { $searched } → 查看商品 { $viewed } → 加入收藏 { $shortlisted } → 打开询盘 { $started } → 发送询盘 { $sent }
cli-insights-totals = 搜索 { $searches } 次（无结果：{ $zero }），商品浏览 { $views } 次，加入收藏 { $shortlists } 次，询盘 { $inquiries } 份
cli-insights-sessions = 各语言会话：{ $list }
cli-insights-searches = 热门搜索（{ $lang }）：
cli-insights-zero = 无结果的搜索（{ $lang }）：
cli-insights-search-row = { $count } ×  { $query }（会话：{ $sessions }，找到商品：{ $results }）
cli-insights-contact = （疑似联系方式：已计数，未保存文字）
cli-insights-missing = 访客在找、展会上没有的商品（可邀请其生产商参展）：
cli-insights-missing-row = { $count } ×  { $name }：{ $queries }
cli-insights-unnamed = （未识别的商品种类）
cli-insights-products = 最受关注的商品：
cli-insights-product-row = { $name }（{ $id }）：浏览 { $views }，收藏 { $shortlisted }，打开询盘 { $started }，询盘 { $inquiries }
cli-insights-exhibitors = 参展商：
cli-insights-exhibitor-row = { $name }（{ $id }）：主页浏览 { $pages }，商品浏览 { $views }，收藏 { $shortlisted }，询盘 { $inquiries }
cli-insights-exhibitor-title = { $name } 的报告：{ $from } 至 { $to }（UTC）
cli-insights-countries = 按采购商国家统计的询盘：{ $list }
cli-insights-hours = 按时段统计的会话（本地时间）：
