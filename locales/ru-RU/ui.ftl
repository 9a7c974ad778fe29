# Строки веб-интерфейса витрины (ui/). Во всех локалях одни и те же идентификаторы и атрибуты.

## Header

# Показывается, пока не загрузилось название каталога, и как запасной заголовок окна.
app-title = Витрина ШОС
# Самоназвания языков на кнопках: одинаковы во всех локалях, не переводить.
lang-name-zh = 中文
lang-name-ru = Русский
lang-name-en = English
lang-switch-label = Язык

## Search

search-label = Поиск по каталогу
search-placeholder = Товар, страна, экспонент…
search-clear = Очистить поиск

## Results

results-label = Товары
result-count = { $count ->
    [one] { $count } товар
    [few] { $count } товара
    [many] { $count } товаров
   *[other] { $count } товара
}
results-loading = Идёт поиск…
results-more = Показать ещё

## Facets

facet-country = Страна
facet-category = Категория
facet-all = Все
facet-more = ещё { $count }
facet-fewer = Свернуть
filters-clear = Сбросить фильтры

## Empty results

empty-title = Ничего не найдено
empty-title-query = По запросу «{ $query }» ничего не найдено
empty-related = Похожие товары
empty-related-hint = В них есть часть слов запроса, но это не то, что вы искали.
empty-related-hint-spelling = Их названия пишутся почти так, как вы набрали, но это не то, что вы искали.
empty-related-hint-description = В их описаниях упоминается то, что вы набрали, но это не то, что вы искали.
more-related-hint = Другие товары того же рода: в них есть не все слова вашего запроса.
search-by-sound = Ни в одном названии нет «{ $query }»: эти товары названы иероглифами, которые звучат так же
search-corrected = Искали «{ $query }»: клавиатура была в другой раскладке
empty-hint = Проверьте написание, сократите слово или попробуйте другой язык: искать можно по-русски, по-китайски, по-английски и пиньинем.
empty-hint-filters = Включены фильтры: сбросьте их, чтобы увидеть больше товаров.

## Product card

card-price-from = от { $price } за { $unit }
price-on-request = Цена по запросу
card-moq = Мин. партия { $quantity }
tag-featured = Рекомендуем
tag-new = Новинка
# Отмечает текст товара, показанный не на выбранном языке. $lang — zh, ru, en или другой код.
text-fallback = { $lang ->
    [zh] На китайском
    [ru] На русском
    [en] На английском
   *[other] Без перевода
}
text-fallback-title = Перевода на русский пока нет

## Product page

product-back = Назад к результатам
product-loading = Загрузка товара…
product-gallery = Фотографии товара
product-photo = Фото { $index } из { $total }
product-photo-prev = Предыдущее фото
product-photo-next = Следующее фото
product-no-image = Фото пока нет
product-description = Описание
product-details = Характеристики
product-origin = Происхождение
# Происхождение товара, когда известен город.
origin-place = { $country }, { $city }
product-exhibitor = Экспонент
product-booth = Стенд
product-category = Категория
product-unit = Единица
product-moq = Минимальная партия
product-prices = Цены
price-col-qty = Объём заказа
price-col-price = Цена за единицу
price-tier-qty = от { $quantity }
price-per-unit = { $price } за { $unit }
product-certifications = Сертификаты
product-storage = Хранение
product-shelf-life = Срок годности
product-hs-code = Код ТН ВЭД
product-updated = Обновлено

shelf-life-days = { $count ->
    [one] { $count } день
    [few] { $count } дня
    [many] { $count } дней
   *[other] { $count } дня
}
shelf-life-months = { $count ->
    [one] { $count } месяц
    [few] { $count } месяца
    [many] { $count } месяцев
   *[other] { $count } месяца
}
shelf-life-years = { $count ->
    [one] { $count } год
    [few] { $count } года
    [many] { $count } лет
   *[other] { $count } года
}

## Storage

storage-ambient = При комнатной температуре
storage-chilled = В охлаждённом виде
storage-frozen = В замороженном виде

## Certifications

cert-organic = Органический продукт
cert-halal = Халяль
cert-kosher = Кошер
cert-gi = Географическое указание
cert-iso22000 = ISO 22000
cert-haccp = ХАССП
cert-gost = ГОСТ
cert-eac = ЕАС
cert-ccc = CCC
cert-fairtrade = Fairtrade

## Units
# Значение — название единицы; .per — форма после «за» в цене (винительный падеж); .count — количество.

unit-kg = килограмм
    .per = кг
    .count = { $count } кг
unit-g = грамм
    .per = г
    .count = { $count } г
unit-t = тонна
    .per = т
    .count = { $count } т
unit-l = литр
    .per = л
    .count = { $count } л
unit-ml = миллилитр
    .per = мл
    .count = { $count } мл
unit-piece = штука
    .per = шт.
    .count = { $count } шт.
unit-box = коробка
    .per = коробку
    .count = { $count ->
        [one] { $count } коробка
        [few] { $count } коробки
        [many] { $count } коробок
       *[other] { $count } коробки
    }
unit-pack = упаковка
    .per = упаковку
    .count = { $count ->
        [one] { $count } упаковка
        [few] { $count } упаковки
        [many] { $count } упаковок
       *[other] { $count } упаковки
    }
unit-bottle = бутылка
    .per = бутылку
    .count = { $count ->
        [one] { $count } бутылка
        [few] { $count } бутылки
        [many] { $count } бутылок
       *[other] { $count } бутылки
    }
unit-carton = ящик
    .per = ящик
    .count = { $count ->
        [one] { $count } ящик
        [few] { $count } ящика
        [many] { $count } ящиков
       *[other] { $count } ящика
    }
unit-pallet = паллета
    .per = паллету
    .count = { $count ->
        [one] { $count } паллета
        [few] { $count } паллеты
        [many] { $count } паллет
       *[other] { $count } паллеты
    }
unit-m2 = квадратный метр
    .per = м²
    .count = { $count } м²

## Errors (chosen by the error code, never the raw message)

error-not-found = Этого товара больше нет в каталоге.
error-bad-request = Запрос не удалось обработать. Измените его и попробуйте снова.
error-storage = Каталог сейчас недоступен. Обратитесь, пожалуйста, к сотрудникам павильона.
error-disk-full = Память устройства заполнена, сохранить ничего не удалось. Обратитесь, пожалуйста, к сотрудникам павильона.
error-search = Поиск временно недоступен. Попробуйте ещё раз чуть позже.
error-internal = Что-то пошло не так. Попробуйте ещё раз.
error-no-catalog = Каталог ещё загружается. Подождите немного.
error-invalid-bundle = Не удалось загрузить каталог. Обратитесь к сотрудникам зала.
error-rate-limited = Слишком много запросов с вашего подключения. Подождите немного и повторите.
error-busy = Выставка сейчас перегружена, ничего не сохранено. Повторите попытку чуть позже.
error-unauthorized = Это доступно только операторам выставки.
error-config = В настройках этого устройства ошибка. Обратитесь, пожалуйста, к сотрудникам павильона.
error-retry = Повторить
error-dismiss = Закрыть

## Showroom screens (attract, home, hall map, exhibitor, shortlist, kiosk)

nav-label = Разделы
nav-home = Главная
nav-search = Все товары
nav-hall = План павильонов
nav-shortlist = Избранное
attract-touch = Коснитесь, чтобы начать
attract-stats = { $products ->
    [one] { $products } товар
    [few] { $products } товара
   *[many] { $products } товаров
} из { $countries ->
    [one] { $countries } страны
   *[other] { $countries } стран
}
home-preparing = Каталог готовится…
home-map-title = Страны-участницы
map-member = государства — члены ШОС
map-observer = наблюдатели
map-partner = партнёры по диалогу
map-source = Карта: { $source }
map-status-member = государство — член ШОС
map-status-observer = государство-наблюдатель ШОС
map-status-partner = партнёр ШОС по диалогу
map-partner-city = города-партнёры
map-country-goods = { $count ->
    [one] Показать { $count } товар
    [few] Показать все { $count } товара
    [many] Показать все { $count } товаров
   *[other] Показать все { $count } товара
}
map-country-exhibitors = { $count ->
    [one] { $count } экспонент
    [few] { $count } экспонента
    [many] { $count } экспонентов
   *[other] { $count } экспонента
}
map-country-cities = Города
map-country-close = Закрыть
map-partner-city-exhibitors = { $count ->
    [0] город-партнёр
    [one] город-партнёр, { $count } экспонент
    [few] город-партнёр, { $count } экспонента
    [many] город-партнёр, { $count } экспонентов
   *[other] город-партнёр, { $count } экспонента
}
home-cities = Города
home-categories = Категории
home-featured = Рекомендуем
home-new = Новинки
exhibitor-open = Экспонент
exhibitor-products = { $count ->
    [one] { $count } товар
    [few] { $count } товара
   *[many] { $count } товаров
}
hall-title = План павильонов
hall-booth = Стенд { $booth }
hall-show-booth = Стенд { $booth } на плане
hall-you-are-here = Вы здесь
shortlist-title = Избранное
shortlist-count = { $count ->
    [0] В избранном пусто
    [one] { $count } товар в избранном
    [few] { $count } товара в избранном
   *[many] { $count } товаров в избранном
}
shortlist-empty = Добавляйте товары со страниц товаров, чтобы запросить их у экспонентов вместе.
shortlist-add = В избранное
shortlist-remove = Убрать из избранного
shortlist-send-inquiry = Отправить запрос
shortlist-qr-label = QR-код этой подборки в онлайн-выставке
shortlist-qr-caption = Отсканируйте, чтобы забрать подборку на телефон.
shortlist-qr-partial = Отсканируйте, чтобы забрать на телефон первые { $count } из { $total } товаров.
inquiry-title = Запрос
qr-label = QR-код этого товара в онлайн-выставке
qr-caption = Отсканируйте, чтобы открыть товар на телефоне.
share = Поделиться
share-copied = Ссылка скопирована.
share-copy-manually = Скопируйте ссылку:
share-phone = Открыть на телефоне
share-qr-label = QR-код этой страницы в онлайн-выставке
share-qr-caption = Отсканируйте, чтобы открыть эту страницу на телефоне.
idle-touch-to-continue = Коснитесь, чтобы продолжить
idle-reset-in = { $seconds ->
    [one] Начнём сначала через { $seconds } секунду
    [few] Начнём сначала через { $seconds } секунды
   *[many] Начнём сначала через { $seconds } секунд
}
admin-open = Настройки для персонала
admin-title = Настройки для персонала
admin-enter-pin = Введите PIN-код
admin-unlock = Открыть
admin-catalog = Каталог
admin-booth = Стенд киоска
admin-idle = Сброс при простое через
admin-now = Сегодня
admin-outbox = Запросы, ожидающие отправки
admin-auth-failing = Торговая платформа не принимает токен этого устройства. Запросы сохранены и ждут; они уйдут, как только токен в showroom.toml будет исправлен.
admin-reset = Сбросить сейчас
admin-exit = Закрыть приложение
admin-wrong-pin = { $remaining ->
    [one] Неверный PIN-код. Осталась { $remaining } попытка.
    [few] Неверный PIN-код. Осталось { $remaining } попытки.
   *[many] Неверный PIN-код. Осталось { $remaining } попыток.
}
admin-locked = Слишком много неверных попыток. Повторите через { $minutes } мин.
admin-no-pin = На этом киоске PIN-код не задан.
admin-close = Закрыть
osk-open = Клавиатура
osk-label = Экранная клавиатура
osk-backspace = Удалить
osk-space = Пробел
osk-clear = Очистить
osk-close = Скрыть

## Inquiry form, receipt and history

nav-inquiries = Мои запросы
inquiry-form-intro = { $count ->
    [one] Укажите, сколько товара вам нужно и на каких условиях.
    [few] Укажите, сколько вам нужно каждого из { $count } товаров и на каких условиях.
   *[many] Укажите, сколько вам нужно каждого из { $count } товаров и на каких условиях.
}
inquiry-form-empty = В избранном пока ничего нет. Добавьте туда товары, а затем отправьте запрос отсюда.
inquiry-form-to-shortlist = Вернуться в избранное
inquiry-form-no-platform = Это устройство не подключено к торговой платформе: запрос сохранится здесь и уйдёт, как только связь появится.
inquiry-form-has-errors = { $count ->
    [one] Исправьте { $count } поле ниже.
    [few] Исправьте { $count } поля ниже.
   *[many] Исправьте { $count } полей ниже.
}
inquiry-form-products = Товары и количество
inquiry-form-moq = Минимальный заказ: { $moq }
inquiry-form-tiers = Цены:
inquiry-form-tier = { $price } за { $unit } от { $qty }
inquiry-form-tier-at = При таком количестве: { $price } за { $unit }
inquiry-form-below-moq = Меньше минимального заказа ({ $moq })
inquiry-form-quantity = Количество
inquiry-form-unit = Единица
inquiry-form-target-price = Желаемая цена за { $unit } (необязательно)
inquiry-form-currency = Валюта
inquiry-form-terms = Условия поставки
inquiry-form-incoterm = Инкотермс
inquiry-form-incoterm-not-sure = Не знаю
inquiry-form-destination-country = Страна назначения
inquiry-form-destination-place = Город или порт
inquiry-form-delivery-by = Нужно к дате
inquiry-form-message = Сообщение экспоненту (необязательно)
inquiry-form-contact = Как с вами связаться
inquiry-form-name = Имя
inquiry-form-company = Компания (необязательно)
inquiry-form-contact-hint = Укажите хотя бы одно: эл. почту, телефон или мессенджер.
inquiry-form-email = Электронная почта
inquiry-form-phone = Телефон с кодом страны
inquiry-form-messenger = Мессенджер
inquiry-form-messenger-telegram = Telegram
inquiry-form-messenger-whatsapp = WhatsApp
inquiry-form-messenger-wechat = WeChat
inquiry-form-messenger-other = Другой
inquiry-form-messenger-handle = Аккаунт в мессенджере
inquiry-form-reply-lang = Язык ответа
inquiry-form-consent = Я согласен(на), чтобы экспоненты и торговая платформа демонстрационной зоны связались со мной по этому запросу.
inquiry-form-submit = Отправить запрос
inquiry-form-sending = Отправляем…
inquiry-receipt-title = Спасибо, ваш запрос сохранён
inquiry-receipt-state = Статус:
inquiry-receipt-queued = Он сохранён на этом устройстве и будет передан на торговую платформу, как только появится связь.
inquiry-receipt-no-platform = Он сохранён на этом устройстве. Устройство пока не подключено к торговой платформе, поэтому запрос будет отправлен позже.
inquiry-receipt-qr = QR-код номера запроса
inquiry-receipt-ref = Номер запроса
inquiry-receipt-date = Создан { $date }
inquiry-receipt-scan = Отсканируйте код, чтобы следить за запросом с телефона.
inquiry-receipt-history = Мои запросы
inquiry-receipt-done = Готово
inquiry-status-queued = в очереди
inquiry-status-sending = отправляется
inquiry-status-received = получен
inquiry-status-failed = не доставлен
inquiry-history-title = Мои запросы
inquiry-history-empty = Вы ещё не отправили ни одного запроса.
inquiry-history-no-platform = { $count ->
    [one] { $count } запрос ждёт отправки: устройство не подключено к торговой платформе.
    [few] { $count } запроса ждут отправки: устройство не подключено к торговой платформе.
   *[many] { $count } запросов ждут отправки: устройство не подключено к торговой платформе.
}
inquiry-history-platform-id = Номер на торговой платформе: { $id }
inquiry-history-retrying = { $attempts ->
    [one] Была { $attempts } попытка, попробуем ещё раз.
    [few] Было { $attempts } попытки, попробуем ещё раз.
   *[many] Было { $attempts } попыток, попробуем ещё раз.
}
inquiry-history-personal-deleted = Ваши контактные данные удалены с этого устройства.
inquiry-withdraw = Отозвать запрос
inquiry-withdraw-personal = Удалить мои контактные данные из запроса
inquiry-withdraw-confirm = Нажмите ещё раз для подтверждения
inquiry-withdrawn-removed = Запрос отозван до отправки; ничего не отправлено.
inquiry-withdrawn-personal-data-deleted = Ваши контактные данные здесь удалены. Торговая платформа уже получила запрос.
inquiry-withdrawn-in-flight = Запрос отправляется прямо сейчас. Повторите через несколько секунд.
inquiry-platform-status-received = Получен торговой платформой
inquiry-platform-status-forwarded = Передан экспоненту
inquiry-platform-status-answered = Экспонент ответил
inquiry-platform-status-closed = Закрыт
inquiry-platform-status-rejected = Отклонён
inquiry-failure-invalid = Торговая платформа сочла запрос неверным.
inquiry-failure-unauthorized = Торговая платформа не принимает запросы с этого устройства. Обратитесь к персоналу зала.
inquiry-failure-conflict = Этот номер уже использован для другого запроса.
inquiry-failure-too-large = Запрос слишком велик для торговой платформы.
inquiry-failure-unknown-product = Торговая платформа не знает одного из товаров.

## Demand report (operators)
admin-insights = Отчёт о спросе
insights-title = Отчёт о спросе
insights-exhibitor-report = Отчёт для экспонента
insights-pin-needed = Откройте отчёт из настроек персонала, введя PIN.
insights-token = Токен оператора
insights-open = Показать отчёт
insights-refused = Доступ не принят.
insights-failed = Не удалось составить отчёт. Попробуйте ещё раз.
insights-loading = Загрузка…
insights-period = Период
insights-period-day = Последние 24 часа
insights-period-week = Последние 7 дней
insights-period-month = Последние 30 дней
insights-print = Печать
insights-range = с { $from } по { $to } (UTC)
insights-replica-note = учтено этим сервером
insights-empty = За этот период ничего не учтено.
insights-funnel = От посещения до запроса
insights-stage-sessions = Посещения
insights-stage-searched = Искали
insights-stage-viewed = Смотрели товар
insights-stage-shortlisted = Добавили в подборку
insights-stage-started = Открыли запрос
insights-stage-sent = Отправили запрос
insights-hours = Посещения по часам суток
insights-languages = Посещения по языкам
insights-missing = Товары, которые искали, но которых нет на выставке
insights-missing-hint = Поиски без результатов по видам товаров: кого из производителей пригласить.
insights-unnamed = Прочие поиски
insights-searches = Частые поиски
insights-zero = Искали и не нашли
insights-found = найдено: { $count }
insights-contact = (контактные данные: учтено, текст не хранится)
insights-products = Товары, которыми интересовались больше всего
insights-exhibitors = Экспоненты
insights-exhibitor-open = Отчёт
insights-back = К общему отчёту
insights-countries = Запросы по стране покупателя
insights-col-product = Товар
insights-col-views = Просмотры
insights-col-shortlisted = В подборке
insights-col-inquiries = Запросы
insights-col-exhibitor = Экспонент
insights-col-pages = Просмотры страницы

## First start
preparing-checking = Подготовка каталога: проверка…
preparing-photos = Подготовка каталога: фотографии { $done } из { $total }…
preparing-index = Подготовка каталога: построение поиска…
preparing-saving = Подготовка каталога: сохранение…
