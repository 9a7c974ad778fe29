# Форма запроса: ошибки полей (показываются рядом с полем), состояния отправки и торговая платформа.

inquiry-error-required = Заполните это поле
inquiry-error-invalid = Значение указано неверно
inquiry-error-too-long = { $max ->
    [one] Не более { $max } символа
   *[other] Не более { $max } символов
}
inquiry-error-too-few = Добавьте хотя бы один товар
inquiry-error-too-many = { $max ->
    [one] В одном запросе не более { $max } товара
   *[other] В одном запросе не более { $max } товаров
}
inquiry-error-not-positive = Значение должно быть больше нуля
inquiry-error-unknown-unit = Выберите единицу измерения из списка
inquiry-error-unknown-incoterm = Выберите условие поставки Инкотермс 2020 или «не уверен»
inquiry-error-unknown-country = Выберите страну из списка
inquiry-error-unknown-currency = Выберите валюту из списка
inquiry-error-contact-required = Укажите хотя бы один способ связи: эл. почту, телефон или мессенджер
inquiry-error-consent-required = Отметьте согласие на то, чтобы с вами связались по этому запросу

inquiry-state-queued = в очереди
inquiry-state-sending = отправляется
inquiry-state-received = получен
inquiry-state-failed = не принят

inquiry-failure-invalid = торговая платформа сочла запрос некорректным
inquiry-failure-unauthorized = торговая платформа не принимает это устройство (проверьте его токен)
inquiry-failure-conflict = этот номер уже использован для другого запроса
inquiry-failure-too-large = запрос слишком велик для торговой платформы
inquiry-failure-unknown-product = торговой платформе неизвестен один из товаров

error-platform = не удалось связаться с торговой платформой или она ответила неожиданно ({ $detail })
error-platform-client = не удалось связаться с торговой платформой или она ответила неожиданно
error-platform-url = адрес торговой платформы { $url } не допускается: он должен начинаться с https:// (http:// — только для этого компьютера: localhost, 127.0.0.1, ::1); исправьте url в разделе [platform] файла showroom.toml или SHOWROOM_PLATFORM_URL
