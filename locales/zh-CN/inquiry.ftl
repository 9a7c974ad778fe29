# 询价表单：字段旁显示的错误提示、发送状态以及贸易平台相关信息。

inquiry-error-required = 此项为必填项
inquiry-error-invalid = 填写的内容无效
inquiry-error-too-long = 最多 { $max } 个字符
inquiry-error-too-few = 请至少添加一种商品
inquiry-error-too-many = 每份询价最多包含 { $max } 种商品
inquiry-error-not-positive = 数值必须大于零
inquiry-error-unknown-unit = 请从列表中选择计量单位
inquiry-error-unknown-incoterm = 请选择一种 2020 年国际贸易术语，或选择“不确定”
inquiry-error-unknown-country = 请从列表中选择国家
inquiry-error-unknown-currency = 请从列表中选择币种
inquiry-error-contact-required = 请至少留下一种联系方式：电子邮箱、电话或即时通讯账号
inquiry-error-consent-required = 请勾选同意我们就此询价与您联系

inquiry-state-queued = 排队中
inquiry-state-sending = 发送中
inquiry-state-received = 已送达
inquiry-state-failed = 未被接受

inquiry-failure-invalid = 贸易平台认为该询价内容无效
inquiry-failure-unauthorized = 贸易平台不接受本设备（请检查设备令牌）
inquiry-failure-conflict = 该编号已被另一份询价使用
inquiry-failure-too-large = 询价内容过大，贸易平台无法接收
inquiry-failure-unknown-product = 贸易平台不认识其中一种商品

error-platform = 无法连接贸易平台，或平台返回了意外的应答（{ $detail }）
error-platform-client = 无法连接贸易平台，或平台返回了意外的应答
error-platform-url = 不允许使用贸易平台地址 { $url }：地址必须以 https:// 开头（http:// 仅限本机：localhost、127.0.0.1、::1）；请修改 showroom.toml 中 [platform] 的 url 或 SHOWROOM_PLATFORM_URL
