# 核心消息：错误和目录包问题。

count-products = { $count } 件商品

error-invalid-bundle = 目录包有 { $count } 个问题；未做任何更改
error-not-found = 未找到：{ $id }
error-bad-request = 请求无效：{ $detail }
error-no-catalog = 尚未导入目录
error-io = 无法读写 { $path }：{ $detail }
error-io-client = 无法读写展厅的数据文件
error-storage = 无法读写本地数据库
error-disk-full = 存放展厅数据的磁盘已满，未做任何更改；请释放空间后重试
error-search = 搜索索引不可用
error-internal = 展厅程序内部出错

problem-not-a-directory = 不是目录包文件夹
problem-file-missing = 缺少必需的文件
problem-not-regular-file = { $type ->
    [fifo] “{ $value }”是命名管道（FIFO），不是普通文件；未读取
    [socket] “{ $value }”是套接字，不是普通文件；未读取
    [device] “{ $value }”是设备，不是普通文件；未读取
    [directory] “{ $value }”是文件夹，不是普通文件
   *[other] “{ $value }”不是普通文件；未读取
}
problem-file-too-large = 文件超过 { $max } 字节
problem-line-too-long = 该行超过 { $max } 字节
problem-encoding = 文本不是有效的 UTF-8
problem-json = 不是有效的 JSON（{ $detail }）
problem-toml = 不是有效的 TOML（{ $detail }）
problem-missing = 缺少必填字段
problem-type = 类型应为 { $expected }
problem-id = 只能使用 1 到 64 个 a-z、0-9 和“-”字符
problem-duplicate = 标识“{ $id }”重复出现
problem-unknown-ref = 引用了不存在的 { $target }“{ $id }”
problem-country = “{ $value }”不是 ISO 3166-1 二字母国家代码
problem-currency = “{ $value }”不是 ISO 4217 货币代码
problem-unit = “{ $value }”不在计量单位 kg、g、t、l、ml、piece、box、pack、bottle、carton、pallet、m2 之中
problem-certification = “{ $value }”不是已知的认证
problem-storage = “{ $value }”应为 ambient、chilled 或 frozen
problem-hs-code = “{ $value }”不是 HS 编码（4 到 10 位数字，可含点）
problem-positive = 必须是大于零的数字
problem-range = 必须是 { $min } 到 { $max } 之间的数字
problem-tiers-order = 价格阶梯的 min_qty 必须递增
problem-empty = 不能为空
problem-too-long = 超过 { $max } 个字符
problem-too-many = 超过 { $max } 项
problem-language-tag = “{ $value }”不是 zh、ru、en 这样的语言代码
problem-format-version = 不支持格式 { $value }（仅支持格式 1）
problem-datetime = “{ $value }”不是 RFC 3339 日期时间
problem-url = “{ $value }”不是 http 或 https 地址
problem-path-escape = 路径“{ $value }”超出目录包范围或不在 images/ 下
problem-image-missing = 图片“{ $value }”不存在
problem-image-format = “{ $value }”不是 JPEG、PNG 或 WebP 图片
problem-image-too-large = 图片“{ $value }”为 { $width }×{ $height } 像素；每边上限为 { $max }
problem-image-decode = 图片“{ $value }”无法解码（{ $detail }）
problem-image-memory = 图片“{ $value }”（{ $width }×{ $height } 像素）解码需要 { $megabytes } MB 内存；上限为 { $max } MB
problem-booth-outside = 展位超出 { $hall } 展馆范围
error-rate-limited = 此地址的请求过多，请 { $seconds } 秒后重试
error-busy = 展会当前访问量过大，未保存任何内容，请 { $seconds } 秒后重试
error-unauthorized = 此操作需要运营人员令牌
error-config = { $origin } 有误（{ $detail }）；请改正后重试
error-config-client = 本设备的设置有误，需由运营人员改正
