//! Country names in the three languages, so that "Kazakhstan", "Казахстан" and "哈萨克斯坦"
//! find the goods of KZ. The UI names countries itself (Intl.DisplayNames); this table is
//! only search text.

const NAMES: &[(&str, &str, &str, &str)] = &[
    ("CN", "中国", "Китай", "China"),
    ("RU", "俄罗斯", "Россия", "Russia"),
    ("KZ", "哈萨克斯坦", "Казахстан", "Kazakhstan"),
    ("KG", "吉尔吉斯斯坦", "Киргизия Кыргызстан", "Kyrgyzstan"),
    ("TJ", "塔吉克斯坦", "Таджикистан", "Tajikistan"),
    ("UZ", "乌兹别克斯坦", "Узбекистан", "Uzbekistan"),
    ("IN", "印度", "Индия", "India"),
    ("PK", "巴基斯坦", "Пакистан", "Pakistan"),
    ("IR", "伊朗", "Иран", "Iran"),
    ("BY", "白俄罗斯", "Беларусь Белоруссия", "Belarus"),
    ("MN", "蒙古", "Монголия", "Mongolia"),
    ("AF", "阿富汗", "Афганистан", "Afghanistan"),
    ("AZ", "阿塞拜疆", "Азербайджан", "Azerbaijan"),
    ("AM", "亚美尼亚", "Армения", "Armenia"),
    ("KH", "柬埔寨", "Камбоджа", "Cambodia"),
    ("NP", "尼泊尔", "Непал", "Nepal"),
    ("LK", "斯里兰卡", "Шри-Ланка", "Sri Lanka"),
    ("TR", "土耳其", "Турция", "Turkey Türkiye"),
    ("EG", "埃及", "Египет", "Egypt"),
    ("QA", "卡塔尔", "Катар", "Qatar"),
    ("SA", "沙特阿拉伯", "Саудовская Аравия", "Saudi Arabia"),
    ("AE", "阿联酋", "ОАЭ Эмираты", "United Arab Emirates UAE"),
    ("KW", "科威特", "Кувейт", "Kuwait"),
    ("BH", "巴林", "Бахрейн", "Bahrain"),
    ("MM", "缅甸", "Мьянма", "Myanmar"),
    ("MV", "马尔代夫", "Мальдивы", "Maldives"),
    ("TM", "土库曼斯坦", "Туркменистан", "Turkmenistan"),
    ("GE", "格鲁吉亚", "Грузия", "Georgia"),
    ("LA", "老挝", "Лаос", "Laos"),
    ("MY", "马来西亚", "Малайзия", "Malaysia"),
];

/// The country's name in `lang` (`zh`, `ru`, `en`), when known.
pub fn country_name(code: &str, lang: &str) -> Option<&'static str> {
    NAMES.iter().find(|n| n.0 == code).and_then(|n| match lang {
        "zh" => Some(n.1),
        "ru" => Some(n.2),
        "en" => Some(n.3),
        _ => None,
    })
}
