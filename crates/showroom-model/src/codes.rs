//! Closed vocabularies of the bundle format: ISO codes, units, certifications.

/// ISO 3166-1 alpha-2, officially assigned codes.
const COUNTRIES: &str = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

/// ISO 4217 active currency codes.
const CURRENCIES: &str = "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWL";

pub const UNITS: [&str; 12] = [
    "kg", "g", "t", "l", "ml", "piece", "box", "pack", "bottle", "carton", "pallet", "m2",
];

pub const CERTIFICATIONS: [&str; 10] = [
    "organic",
    "halal",
    "kosher",
    "gi",
    "iso22000",
    "haccp",
    "gost",
    "eac",
    "ccc",
    "fairtrade",
];

pub const STORAGE: [&str; 3] = ["ambient", "chilled", "frozen"];

/// Every ISO 3166-1 alpha-2 code the format accepts, in alphabetical order.
pub fn countries() -> impl Iterator<Item = &'static str> {
    COUNTRIES.split(' ')
}

pub fn is_country(code: &str) -> bool {
    code.len() == 2 && COUNTRIES.split(' ').any(|c| c == code)
}

pub fn is_currency(code: &str) -> bool {
    code.len() == 3 && CURRENCIES.split(' ').any(|c| c == code)
}

/// `[a-z0-9-]{1,max}`.
pub fn is_id(id: &str, max: usize) -> bool {
    !id.is_empty()
        && id.len() <= max
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A category id: segments of `[a-z0-9-]{1,40}` joined by `/`.
pub fn is_category_id(id: &str) -> bool {
    !id.is_empty() && id.split('/').all(|segment| is_id(segment, 40))
}

/// Digits with optional dots, 4 to 10 digits in all.
pub fn is_hs_code(code: &str) -> bool {
    let digits = code.bytes().filter(u8::is_ascii_digit).count();
    (4..=10).contains(&digits)
        && code.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && code.as_bytes().first().is_some_and(u8::is_ascii_digit)
        && !code.contains("..")
        && !code.ends_with('.')
}

/// A BCP 47 primary language subtag: two or three lowercase letters.
pub fn is_language_tag(tag: &str) -> bool {
    (2..=3).contains(&tag.len()) && tag.bytes().all(|b| b.is_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes() {
        assert!(is_country("KZ") && is_country("UZ") && !is_country("XX") && !is_country("kz"));
        assert!(is_currency("RUB") && is_currency("CNY") && !is_currency("RUR"));
        assert!(is_hs_code("0409.00") && is_hs_code("5701") && is_hs_code("0902.30.10"));
        assert!(
            !is_hs_code("040")
                && !is_hs_code("04a9")
                && !is_hs_code(".0409")
                && !is_hs_code("12345678901")
        );
        assert!(
            is_category_id("food/honey")
                && !is_category_id("food//honey")
                && !is_category_id("Food")
        );
        assert!(is_language_tag("kk") && !is_language_tag("EN") && !is_language_tag("zh-CN"));
    }
}
