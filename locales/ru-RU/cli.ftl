# Сообщения командной строки showroom.

cli-error = ошибка: { $message }
cli-check-ok = { $bundle }: пакет корректен ({ count-products })
cli-import-done = импортирован каталог { $catalog } версии { $version }: товаров — { $products }, экспонентов — { $exhibitors }, категорий — { $categories }, изображений — { $images } за { $seconds } с
cli-import-unchanged = каталог { $catalog } версии { $version } уже загружен; делать нечего
cli-import-skipped = { $count ->
    [one] пропущен { $count } некорректный товар:
    [few] пропущено { $count } некорректных товара:
    [many] пропущено { $count } некорректных товаров:
   *[other] пропущено { $count } некорректных товара:
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
