# 展厅网页界面 (ui/) 的文本。所有语言文件的消息 ID 和属性完全一致。

## Header

# 商品目录标题加载完成前显示，也用作窗口标题的后备。
app-title = 上合特色商品展厅
# 语言按钮上的语言自称：各语言文件中相同，请勿翻译。
lang-name-zh = 中文
lang-name-ru = Русский
lang-name-en = English
lang-switch-label = 语言

## Search

search-label = 搜索商品目录
search-placeholder = 商品、国家、参展商…
search-clear = 清除搜索

## Results

results-label = 商品
result-count = 共 { $count } 件商品
results-loading = 正在搜索…
results-more = 显示更多

## Facets

facet-country = 国家
facet-category = 品类
facet-all = 全部
facet-more = 另外 { $count } 项
facet-fewer = 收起
filters-clear = 清除筛选

## Empty results

empty-title = 未找到商品
empty-title-query = 未找到与“{ $query }”相关的商品
empty-related = 相关商品
empty-related-hint = 这些商品与部分词语相符，但不是您搜索的商品。
empty-related-hint-spelling = 这些商品的名称与您输入的拼写相近，但不是您搜索的商品。
empty-related-hint-description = 这些商品的介绍中提到了您输入的内容，但不是您搜索的商品。
more-related-hint = 同类的其他商品，与您搜索的词语并不完全相符。
search-by-sound = 没有名称包含“{ $query }”：以下商品的名称与其读音相同
search-corrected = 已按“{ $query }”搜索：键盘处于另一种布局
empty-hint = 请检查拼写、少输入几个字，或换一种语言：商品名称可用中文、俄文、英文或拼音搜索。
empty-hint-filters = 已启用筛选条件，清除后可看到更多商品。

## Product card

card-price-from = { $price }/{ $unit }起
price-on-request = 价格面议
card-moq = 起订量 { $quantity }
tag-featured = 推荐
tag-new = 新品
# 标记未以所选语言显示的商品文字。$lang 为 zh、ru、en 或其他语言代码。
text-fallback = { $lang ->
    [zh] 中文
    [ru] 俄文
    [en] 英文
   *[other] 未翻译
}
text-fallback-title = 暂无中文版本

## Product page

product-back = 返回结果
product-loading = 正在加载商品…
product-gallery = 商品图片
product-photo = 第 { $index } 张，共 { $total } 张
product-photo-prev = 上一张
product-photo-next = 下一张
product-no-image = 暂无图片
product-description = 商品介绍
product-details = 商品信息
product-origin = 产地
# 已知城市时的商品产地。
origin-place = { $country }·{ $city }
product-exhibitor = 参展商
product-booth = 展位
product-category = 品类
product-unit = 计量单位
product-moq = 起订量
product-prices = 价格
price-col-qty = 订购数量
price-col-price = 单价
price-tier-qty = { $quantity }起
price-per-unit = { $price }/{ $unit }
product-certifications = 认证
product-storage = 储存方式
product-shelf-life = 保质期
product-hs-code = HS 编码
product-updated = 更新日期

shelf-life-days = { $count } 天
shelf-life-months = { $count } 个月
shelf-life-years = { $count } 年

## Storage

storage-ambient = 常温
storage-chilled = 冷藏
storage-frozen = 冷冻

## Certifications

cert-organic = 有机
cert-halal = 清真
cert-kosher = 犹太洁食
cert-gi = 地理标志产品
cert-iso22000 = ISO 22000
cert-haccp = HACCP
cert-gost = GOST（俄罗斯国家标准）
cert-eac = EAC（欧亚经济联盟认证）
cert-ccc = CCC（中国强制性认证）
cert-fairtrade = 公平贸易

## Units
# 值为单位名称；.per 用于价格中的“每…”；.count 为带数量的写法。

unit-kg = 千克
    .per = 千克
    .count = { $count }千克
unit-g = 克
    .per = 克
    .count = { $count }克
unit-t = 吨
    .per = 吨
    .count = { $count }吨
unit-l = 升
    .per = 升
    .count = { $count }升
unit-ml = 毫升
    .per = 毫升
    .count = { $count }毫升
unit-piece = 件
    .per = 件
    .count = { $count }件
unit-box = 盒
    .per = 盒
    .count = { $count }盒
unit-pack = 包
    .per = 包
    .count = { $count }包
unit-bottle = 瓶
    .per = 瓶
    .count = { $count }瓶
unit-carton = 箱
    .per = 箱
    .count = { $count }箱
unit-pallet = 托盘
    .per = 托盘
    .count = { $count }托盘
unit-m2 = 平方米
    .per = 平方米
    .count = { $count }平方米

## Errors (chosen by the error code, never the raw message)

error-not-found = 该商品已不在目录中。
error-bad-request = 无法处理该请求，请修改后重试。
error-storage = 目前无法读取商品目录，请联系展厅工作人员。
error-disk-full = 设备存储空间已满，无法保存。请联系展厅工作人员。
error-search = 搜索暂时不可用，请稍后再试。
error-internal = 出现问题，请重试。
error-no-catalog = 目录仍在加载，请稍候。
error-invalid-bundle = 无法加载目录，请联系展厅工作人员。
error-rate-limited = 您的连接请求过于频繁，请稍候再试。
error-busy = 展会当前访问量过大，未保存任何内容，请稍后再试。
error-unauthorized = 此功能仅供展会运营人员使用。
error-config = 本设备的设置有误，请联系展厅工作人员。
error-retry = 重试
error-dismiss = 关闭

## Showroom screens (attract, home, hall map, exhibitor, shortlist, kiosk)

nav-label = 栏目
nav-home = 首页
nav-search = 全部商品
nav-hall = 展馆地图
nav-shortlist = 收藏清单
attract-touch = 触摸屏幕开始
attract-stats = 来自 { $countries } 个国家的 { $products } 种特产
home-preparing = 正在准备商品目录…
home-map-title = 参展国家
map-member = 上合组织成员国
map-observer = 观察员国
map-partner = 对话伙伴
map-source = 地图：{ $source }
map-status-member = 上合组织成员国
map-status-observer = 上合组织观察员国
map-status-partner = 上合组织对话伙伴
map-partner-city = 伙伴城市
map-country-goods = 查看全部 { $count } 件商品
map-country-exhibitors = { $count } 家参展商
map-country-cities = 城市
map-country-close = 关闭
map-partner-city-exhibitors = { $count ->
    [0] 伙伴城市
   *[other] 伙伴城市，{ $count } 家参展商
}
home-cities = 城市
home-categories = 商品类别
home-featured = 精选推荐
home-new = 新品
exhibitor-open = 参展商
exhibitor-products = { $count } 件商品
hall-title = 展馆地图
hall-booth = 展位 { $booth }
hall-show-booth = 在地图上查看展位 { $booth }
hall-you-are-here = 您在这里
shortlist-title = 收藏清单
shortlist-count = { $count ->
    [0] 收藏清单为空
   *[other] 收藏清单中有 { $count } 件商品
}
shortlist-empty = 在商品页面加入收藏，即可一并向参展商询价。
shortlist-add = 加入收藏
shortlist-remove = 移出收藏
shortlist-send-inquiry = 发送询价
shortlist-qr-label = 此收藏清单在线上展会的二维码
shortlist-qr-caption = 扫码把收藏清单带到手机上。
shortlist-qr-partial = 扫码把前 { $count } 件（共 { $total } 件）商品带到手机上。
inquiry-title = 询价
qr-label = 本商品在线上展会中的二维码
qr-caption = 扫码在手机上打开本商品。
share = 分享
share-copied = 链接已复制。
share-copy-manually = 请复制此链接：
share-phone = 在手机上打开
share-qr-label = 本页面在线上展会中的二维码
share-qr-caption = 扫码在手机上打开本页面。
idle-touch-to-continue = 触摸屏幕继续
idle-reset-in = { $seconds } 秒后将重新开始
admin-open = 工作人员设置
admin-title = 工作人员设置
admin-enter-pin = 请输入 PIN 码
admin-unlock = 解锁
admin-catalog = 商品目录
admin-booth = 本机所在展位
admin-idle = 闲置重置时间
admin-now = 今天
admin-outbox = 待发送的询价
admin-auth-failing = 交易平台拒绝了本设备的令牌。询价已保存并等待发送；修正 showroom.toml 中的令牌后即会发出。
admin-reset = 立即重置
admin-exit = 退出应用
admin-wrong-pin = PIN 码错误，还可尝试 { $remaining } 次。
admin-locked = 错误次数过多，请 { $minutes } 分钟后再试。
admin-no-pin = 本机未设置 PIN 码。
admin-close = 关闭
osk-open = 键盘
osk-label = 屏幕键盘
osk-backspace = 删除
osk-space = 空格
osk-clear = 清空
osk-close = 隐藏

## Inquiry form, receipt and history

nav-inquiries = 我的询价
inquiry-form-intro = { $count ->
   *[other] 请填写您对这 { $count } 件商品的需求数量和交易条件。
}
inquiry-form-empty = 您的收藏清单还是空的。请先添加商品，再在这里发送询价。
inquiry-form-to-shortlist = 返回收藏清单
inquiry-form-no-platform = 本设备尚未连接贸易平台：询价将保存在本机，连接后自动发送。
inquiry-form-has-errors = 请修改下面 { $count } 处内容。
inquiry-form-products = 商品与数量
inquiry-form-moq = 起订量：{ $moq }
inquiry-form-tiers = 价格：
inquiry-form-tier = { $qty }起 { $price }/{ $unit }
inquiry-form-tier-at = 按此数量：{ $price }/{ $unit }
inquiry-form-below-moq = 低于起订量 { $moq }
inquiry-form-quantity = 数量
inquiry-form-unit = 单位
inquiry-form-target-price = 目标单价（每{ $unit }，选填）
inquiry-form-currency = 币种
inquiry-form-terms = 交货条件
inquiry-form-incoterm = 贸易术语
inquiry-form-incoterm-not-sure = 不确定
inquiry-form-destination-country = 目的国
inquiry-form-destination-place = 城市或港口
inquiry-form-delivery-by = 期望到货日期
inquiry-form-message = 给参展商的留言（选填）
inquiry-form-contact = 联系方式
inquiry-form-name = 姓名
inquiry-form-company = 公司（选填）
inquiry-form-contact-hint = 电子邮箱、电话、即时通讯至少填写一项。
inquiry-form-email = 电子邮箱
inquiry-form-phone = 电话（含国家区号）
inquiry-form-messenger = 即时通讯
inquiry-form-messenger-telegram = Telegram
inquiry-form-messenger-whatsapp = WhatsApp
inquiry-form-messenger-wechat = 微信
inquiry-form-messenger-other = 其他
inquiry-form-messenger-handle = 即时通讯账号
inquiry-form-reply-lang = 回复语言
inquiry-form-consent = 我同意参展商和示范区贸易平台就本询价与我联系。
inquiry-form-submit = 发送询价
inquiry-form-sending = 正在发送…
inquiry-receipt-title = 谢谢，您的询价已保存
inquiry-receipt-state = 状态：
inquiry-receipt-queued = 询价已保存在本设备上，联网后将立即提交给贸易平台。
inquiry-receipt-no-platform = 询价已保存在本设备上。本设备尚未连接贸易平台，稍后再发送。
inquiry-receipt-qr = 询价编号二维码
inquiry-receipt-ref = 询价编号
inquiry-receipt-date = 创建于 { $date }
inquiry-receipt-scan = 扫码即可在手机上查看询价进度。
inquiry-receipt-history = 我的询价
inquiry-receipt-done = 完成
inquiry-status-queued = 排队中
inquiry-status-sending = 发送中
inquiry-status-received = 已接收
inquiry-status-failed = 未送达
inquiry-history-title = 我的询价
inquiry-history-empty = 您还没有发送过询价。
inquiry-history-no-platform = 有 { $count } 条询价等待发送：本设备尚未连接贸易平台。
inquiry-history-platform-id = 贸易平台编号：{ $id }
inquiry-history-retrying = 已尝试 { $attempts } 次，稍后重试。
inquiry-history-personal-deleted = 您的联系方式已从本设备删除。
inquiry-withdraw = 撤回此询价
inquiry-withdraw-personal = 删除此询价中的联系方式
inquiry-withdraw-confirm = 再按一次确认
inquiry-withdrawn-removed = 询价已在发送前撤回，未发送任何内容。
inquiry-withdrawn-personal-data-deleted = 您的联系方式已在此处删除。贸易平台已收到该询价。
inquiry-withdrawn-in-flight = 询价正在发送，请几秒钟后重试。
inquiry-platform-status-received = 贸易平台已接收
inquiry-platform-status-forwarded = 已转交参展商
inquiry-platform-status-answered = 参展商已回复
inquiry-platform-status-closed = 已关闭
inquiry-platform-status-rejected = 已拒绝
inquiry-failure-invalid = 贸易平台认为询价内容无效。
inquiry-failure-unauthorized = 贸易平台不接受本设备的询价，请联系展厅工作人员。
inquiry-failure-conflict = 该编号已被另一条询价使用。
inquiry-failure-too-large = 询价内容超出贸易平台的限制。
inquiry-failure-unknown-product = 贸易平台不认识其中一件商品。

## Demand report (operators)
admin-insights = 需求报告
insights-title = 需求报告
insights-exhibitor-report = 参展商报告
insights-pin-needed = 请在工作人员设置中输入 PIN 后打开报告。
insights-token = 运营令牌
insights-open = 查看报告
insights-refused = 未被接受。
insights-failed = 无法生成报告，请重试。
insights-loading = 正在加载…
insights-period = 时间段
insights-period-day = 最近 24 小时
insights-period-week = 最近 7 天
insights-period-month = 最近 30 天
insights-print = 打印
insights-range = { $from } 至 { $to }（UTC）
insights-replica-note = 由本服务器统计
insights-empty = 此期间没有统计数据。
insights-funnel = 从访问到询盘
insights-stage-sessions = 访问
insights-stage-searched = 搜索
insights-stage-viewed = 查看商品
insights-stage-shortlisted = 加入收藏
insights-stage-started = 打开询盘
insights-stage-sent = 发送询盘
insights-hours = 各时段访问
insights-languages = 各语言访问
insights-missing = 访客在找、却无人参展的商品
insights-missing-hint = 按商品种类归并的无结果搜索：值得邀请的生产商。
insights-unnamed = 其他搜索
insights-searches = 热门搜索
insights-zero = 搜索无结果
insights-found = 找到 { $count } 件
insights-contact = （联系方式：已计数，未保存文字）
insights-products = 最受关注的商品
insights-exhibitors = 参展商
insights-exhibitor-open = 报告
insights-back = 返回总报告
insights-countries = 按采购商国家统计的询盘
insights-col-product = 商品
insights-col-views = 浏览
insights-col-shortlisted = 收藏
insights-col-inquiries = 询盘
insights-col-exhibitor = 参展商
insights-col-pages = 主页浏览

## First start
preparing-checking = 正在准备目录：检查中…
preparing-photos = 正在准备目录：照片 { $done } / { $total }…
preparing-index = 正在准备目录：建立搜索…
preparing-saving = 正在准备目录：保存中…
