# Сообщения ядра: ошибки и проблемы пакетов каталога.

count-products = { $count ->
    [one] { $count } товар
    [few] { $count } товара
    [many] { $count } товаров
   *[other] { $count } товара
}

error-invalid-bundle = { $count ->
    [one] в пакете каталога { $count } ошибка; ничего не изменено
    [few] в пакете каталога { $count } ошибки; ничего не изменено
    [many] в пакете каталога { $count } ошибок; ничего не изменено
   *[other] в пакете каталога { $count } ошибки; ничего не изменено
}
error-not-found = не найдено: { $id }
error-bad-request = некорректный запрос: { $detail }
error-no-catalog = каталог ещё не загружен
error-io = не удаётся прочитать или записать { $path }: { $detail }
error-io-client = не удалось прочитать или записать файл данных витрины
error-storage = не удалось прочитать или записать локальную базу данных
error-disk-full = диск с данными выставки заполнен, поэтому ничего не изменено; освободите место и повторите попытку
error-search = поисковый индекс недоступен
error-internal = внутренняя ошибка приложения

problem-not-a-directory = это не папка пакета каталога
problem-file-missing = обязательный файл отсутствует
problem-not-regular-file = { $type ->
    [fifo] «{ $value }» — именованный канал (FIFO), а не обычный файл; он не читался
    [socket] «{ $value }» — сокет, а не обычный файл; он не читался
    [device] «{ $value }» — устройство, а не обычный файл; оно не читалось
    [directory] «{ $value }» — папка, а не обычный файл
   *[other] «{ $value }» — не обычный файл; он не читался
}
problem-file-too-large = файл больше { $max } байт
problem-line-too-long = строка длиннее { $max } байт
problem-encoding = текст не в кодировке UTF-8
problem-json = некорректный JSON ({ $detail })
problem-toml = некорректный TOML ({ $detail })
problem-missing = обязательное поле отсутствует
problem-type = должно иметь тип { $expected }
problem-id = допустимы от 1 до 64 символов a-z, 0-9 и «-»
problem-duplicate = идентификатор «{ $id }» встречается более одного раза
problem-unknown-ref = ссылка на неизвестный объект ({ $target }) «{ $id }»
problem-country = «{ $value }» не является кодом страны ISO 3166-1 alpha-2
problem-currency = «{ $value }» не является кодом валюты ISO 4217
problem-unit = «{ $value }» не входит в список единиц kg, g, t, l, ml, piece, box, pack, bottle, carton, pallet, m2
problem-certification = «{ $value }» — неизвестный сертификат
problem-storage = «{ $value }» — допустимо ambient, chilled или frozen
problem-hs-code = «{ $value }» не является кодом ТН ВЭД (от 4 до 10 цифр, точки допустимы)
problem-positive = должно быть числом больше нуля
problem-range = должно быть числом от { $min } до { $max }
problem-tiers-order = ценовые уровни должны идти по возрастанию min_qty
problem-empty = не может быть пустым
problem-too-long = длиннее { $max } символов
problem-too-many = больше { $max } элементов
problem-language-tag = «{ $value }» не является кодом языка вроде zh, ru или en
problem-format-version = формат { $value } не поддерживается (только формат 1)
problem-datetime = «{ $value }» не является датой и временем RFC 3339
problem-url = «{ $value }» не является адресом http или https
problem-path-escape = путь «{ $value }» выходит за пределы пакета или не лежит в images/
problem-image-missing = изображение «{ $value }» не найдено
problem-image-format = «{ $value }» не является изображением JPEG, PNG или WebP
problem-image-too-large = изображение «{ $value }» размером { $width }×{ $height } пикселей; предел — { $max } по стороне
problem-image-decode = изображение «{ $value }» не удаётся декодировать ({ $detail })
problem-image-memory = для декодирования изображения «{ $value }» ({ $width }×{ $height } пикселей) нужно { $megabytes } МБ; предел — { $max } МБ
problem-booth-outside = стенд выходит за границы павильона { $hall }
error-rate-limited = { $seconds ->
    [one] слишком много запросов с этого адреса; повторите через { $seconds } секунду
    [few] слишком много запросов с этого адреса; повторите через { $seconds } секунды
   *[other] слишком много запросов с этого адреса; повторите через { $seconds } секунд
}
error-busy = { $seconds ->
    [one] выставка сейчас перегружена, ничего не сохранено; повторите через { $seconds } секунду
    [few] выставка сейчас перегружена, ничего не сохранено; повторите через { $seconds } секунды
   *[other] выставка сейчас перегружена, ничего не сохранено; повторите через { $seconds } секунд
}
error-unauthorized = для этого нужен токен оператора
error-config = в { $origin } ошибка ({ $detail }); исправьте её и повторите попытку
error-config-client = в настройках этого устройства ошибка; её должен исправить оператор
