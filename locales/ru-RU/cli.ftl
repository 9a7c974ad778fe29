# Сообщения командной строки showroom.

cli-error = ошибка: { $message }
cli-check-ok = { $bundle }: пакет корректен ({ count-products })
cli-import-stage-checking = Проверка пакета…
cli-import-stage-photos = Подготовка фотографий
cli-import-stage-index = Построение поискового индекса…
cli-import-stage-saving = Сохранение каталога…
cli-import-done = импортирован каталог { $catalog } версии { $version }: товаров — { $products }, экспонентов — { $exhibitors }, категорий — { $categories }, изображений — { $images } за { $seconds } с
cli-import-unchanged = каталог { $catalog } версии { $version } уже загружен; делать нечего
cli-import-skipped = { $count ->
    [one] пропущен { $count } некорректный товар:
    [few] пропущено { $count } некорректных товара:
    [many] пропущено { $count } некорректных товаров:
   *[other] пропущено { $count } некорректных товара:
}
cli-problems-more = { $count ->
    [one] … и ещё { $count } ошибка
    [few] … и ещё { $count } ошибки
    [many] … и ещё { $count } ошибок
   *[other] … и ещё { $count } ошибки
}
cli-stats-header = каталог { $catalog } версии { $version }
cli-stats-counts = товаров — { $products }, экспонентов — { $exhibitors }, категорий — { $categories }, изображений — { $images }
cli-stats-countries = товары по странам:
cli-stats-languages = названия товаров по языкам:
cli-search-summary = { $total ->
    [one] найден { $total } товар за { $ms } мс
    [few] найдено { $total } товара за { $ms } мс
    [many] найдено { $total } товаров за { $ms } мс
   *[other] найдено { $total } товара за { $ms } мс
}
cli-search-none = по запросу «{ $query }» ничего не найдено; попробуйте меньше слов или более короткие слова
cli-search-related = похожие товары (совпадают не все слова):
cli-search-related-spelling = похожие товары (названия пишутся почти так же):
cli-search-related-description = похожие товары (упоминается в описании):

## Запросы, очередь отправки и торговая платформа

cli-inquiry-queued = запрос { $ref } сохранён в очереди и будет отправлен на торговую платформу
cli-inquiry-invalid = { $count ->
    [one] в запросе { $count } ошибка; ничего не сохранено:
    [few] в запросе { $count } ошибки; ничего не сохранено:
    [many] в запросе { $count } ошибок; ничего не сохранено:
   *[other] в запросе { $count } ошибки; ничего не сохранено:
}
cli-inquiry-unreadable = не удалось прочитать запрос из { $file }: { $detail }
cli-outbox-empty = очередь отправки пуста
cli-outbox-row = { $ref }  { $state }  попыток: { $attempts }  следующая попытка: { $next }  на платформе: { $platform }  { $error }
cli-outbox-flushed = доставлено: { $delivered }, отклонено: { $failed }, ещё не доставлено: { $left }
cli-outbox-auth-alert = { $count ->
    [one] ВНИМАНИЕ: торговая платформа не принимает токен этого устройства; { $count } запрос сохранён и будет отправлен, когда token в разделе [platform] файла showroom.toml (или SHOWROOM_PLATFORM_TOKEN) исправят и приложение перезапустят
    [few] ВНИМАНИЕ: торговая платформа не принимает токен этого устройства; { $count } запроса сохранены и будут отправлены, когда token в разделе [platform] файла showroom.toml (или SHOWROOM_PLATFORM_TOKEN) исправят и приложение перезапустят
    [many] ВНИМАНИЕ: торговая платформа не принимает токен этого устройства; { $count } запросов сохранены и будут отправлены, когда token в разделе [platform] файла showroom.toml (или SHOWROOM_PLATFORM_TOKEN) исправят и приложение перезапустят
   *[other] ВНИМАНИЕ: торговая платформа не принимает токен этого устройства; { $count } запроса сохранены и будут отправлены, когда token в разделе [platform] файла showroom.toml (или SHOWROOM_PLATFORM_TOKEN) исправят и приложение перезапустят
}
cli-outbox-catalog-held = { $count ->
    [one] { $count } запрос называет товар, которого торговая платформа пока не знает; он сохранён и будет отправлен снова после следующей синхронизации каталога
    [few] { $count } запроса называют товар, которого торговая платформа пока не знает; они сохранены и будут отправлены снова после следующей синхронизации каталога
    [many] { $count } запросов называют товар, которого торговая платформа пока не знает; они сохранены и будут отправлены снова после следующей синхронизации каталога
   *[other] { $count } запроса называют товар, которого торговая платформа пока не знает; они сохранены и будут отправлены снова после следующей синхронизации каталога
}
cli-platform-missing = торговая платформа не настроена: задайте SHOWROOM_PLATFORM_URL и SHOWROOM_PLATFORM_TOKEN или url и token в разделе [platform] файла showroom.toml
cli-sync-not-modified = каталог актуален (версия { $version })
cli-sync-full = каталог версии { $version } загружен полностью и применён; товаров: { $products }, загружено изображений: { $fetched }
cli-sync-delta = каталог обновлён до версии { $version }; изменений: { $operations }, загружено изображений: { $fetched }, всего товаров: { $products }
cli-search-by-sound = ни в одном названии нет «{ $query }»: показаны названия, которые звучат так же
cli-search-corrected = показаны результаты для «{ $query }»
cli-generate-done = { $count ->
    [one] записан { $count } товар в { $dir }
    [few] записано { $count } товара в { $dir }
    [many] записано { $count } товаров в { $dir }
   *[other] записано { $count } товара в { $dir }
}
cli-verify-ok = каталог данных в порядке: база данных { $integrity }, товаров — { $products }, в индексе — { $indexed }
cli-verify-failed = в каталоге данных есть проблема: база данных { $integrity }, товаров — { $products }, в индексе — { $indexed }

## PIN-код администратора киоска

cli-kiosk-pin-set = PIN-код администратора задан в { $dir }; неудачные попытки и блокировка сброшены
cli-kiosk-pin-invalid = PIN-код должен состоять из 4–12 цифр (одна строка на стандартном вводе); ничего не изменено
cli-kiosk-pin-unreadable = не удалось прочитать PIN-код со стандартного ввода; ничего не изменено
cli-kiosk-unlocked = блокировка PIN-кода администратора снята (оставалось { $minutes } мин); неудачные попытки сброшены
cli-kiosk-not-locked = PIN-код администратора не был заблокирован; неудачные попытки сброшены
cli-kiosk-no-pin = в { $dir } не задан PIN-код администратора: задайте его командой «showroom kiosk set-pin»

## showroom kiosk guard
cli-guard-started = приложение запущено (процесс { $pid }, запуск { $start })
cli-guard-ready = приложение рисует экран (процесс { $pid }, через { $seconds } с после запуска)
cli-guard-exited = приложение (процесс { $pid }) завершилось с кодом { $status }
cli-guard-hung = приложение (процесс { $pid }) не рисует экран уже { $seconds } с: оно остановлено
cli-guard-never-ready = приложение (процесс { $pid }) не нарисовало экран за { $seconds } с после запуска: оно остановлено
cli-guard-start-failed = не удалось запустить приложение: { $error }
cli-guard-restarting = повторный запуск приложения через { $seconds } с
cli-guard-operator-exit = оператор вышел из приложения (код 0): сторож завершает работу
cli-guard-gave-up = { $starts ->
    [one] { $starts } запуск
    [few] { $starts } запуска
   *[other] { $starts } запусков
} за { $seconds } с: приложение больше не запускается, пока оператор не изучит его журнал и не запустит сторожа снова

## Страницы онлайн-выставки (заголовки HTML и текст для превью ссылок и поисковых систем)
page-site-name = Выставка ШОС
page-home-title = Местные товары стран ШОС
page-home-description = Онлайн-выставка демонстрационной зоны местного торгово-экономического сотрудничества Китай — ШОС в Циндао: { $products } товаров от { $exhibitors } экспонентов, с ценами и запросами на заказ.
page-categories = Категории
page-products = Товары
page-price-from = от { $price } { $currency } за { $unit }
page-exhibitor = Экспонент: { $name }
page-category = Категория: { $name }
page-made-in = Произведено: { $place }
page-exhibitor-description = { $name } ({ $place }) на выставке ШОС: { $count ->
    [one] { $count } товар
    [few] { $count } товара
   *[other] { $count } товаров
}.
page-category-description = { $name } на выставке ШОС: { $count ->
    [one] { $count } товар
    [few] { $count } товара
   *[other] { $count } товаров
} из стран ШОС.
page-search-title = Поиск
page-search-label = Поиск по каталогу
page-search-placeholder = Товар, страна, экспонент…
page-search-submit = Найти
page-search-related = Похожие товары
page-search-found = { $count ->
    [one] Найден { $count } товар
    [few] Найдено { $count } товара
    [many] Найдено { $count } товаров
   *[other] Найдено { $count } товара
}
page-not-found = Не найдено
page-other-title = Выставка ШОС

## showroom insights
cli-insights-period = Спрос посетителей с { $from } по { $to } (UTC)
cli-insights-empty = за этот период ничего не учтено
cli-insights-funnel = Сеансов { $sessions } → искали { $searched } → смотрели товар { $viewed } → добавили в подборку { $shortlisted } → открыли запрос { $started } → отправили { $sent }
cli-insights-totals = Поисков { $searches } (ничего не нашли: { $zero }), просмотров товаров { $views }, добавлений в подборку { $shortlists }, запросов { $inquiries }
cli-insights-sessions = Сеансы по языкам: { $list }
cli-insights-searches = Частые поиски ({ $lang }):
cli-insights-zero = Поиски без результатов ({ $lang }):
cli-insights-search-row = { $count } ×  { $query }  (сеансов: { $sessions }, найдено товаров: { $results })
cli-insights-contact = (похоже на контактные данные: учтено, текст не хранится)
cli-insights-missing = Товары, которые искали, но которых нет на выставке (пригласите их производителей):
cli-insights-missing-row = { $count } ×  { $name }: { $queries }
cli-insights-unnamed = (вид товара не распознан)
cli-insights-products = Товары, которыми интересовались больше всего:
cli-insights-product-row = { $name } ({ $id }): просмотров { $views }, в подборке { $shortlisted }, открытых форм запроса { $started }, запросов { $inquiries }
cli-insights-exhibitors = Экспоненты:
cli-insights-exhibitor-row = { $name } ({ $id }): просмотров страницы { $pages }, просмотров товаров { $views }, в подборке { $shortlisted }, запросов { $inquiries }
cli-insights-exhibitor-title = Отчёт для { $name }, с { $from } по { $to } (UTC)
cli-insights-countries = Запросы по стране покупателя: { $list }
cli-insights-hours = Сеансы по часам суток (местное время):
