//! Inquiry validation in every language, and the outbox refusing what is invalid (the
//! inquiry types' TypeScript is checked fresh in `bindings.rs`).

use showroom_core::inquiry::{
    Buyer, Consent, FieldErrorCode, InquiryDraft, InquiryItem, Messenger, Money, Source,
    SourceKind, SubmitResult, validate_inquiry,
};
use showroom_core::{Config, Lang, Showroom};
use time::OffsetDateTime;

fn valid() -> InquiryDraft {
    InquiryDraft {
        locale: "zh".into(),
        items: vec![InquiryItem {
            product_id: "ru-altai-mountain-honey-1kg".into(),
            quantity: 500.0,
            unit: "kg".into(),
            target_price: None,
        }],
        buyer: Buyer {
            name: "王伟".into(),
            messenger: Some(Messenger {
                kind: "wechat".into(),
                handle: "wangwei_qd".into(),
            }),
            ..Default::default()
        },
        consent: Consent {
            contact: true,
            text_version: "2026-11".into(),
        },
        ..Default::default()
    }
}

fn invalid() -> InquiryDraft {
    let mut d = valid();
    d.items[0].quantity = 0.0;
    d.items[0].unit = "barrel".into();
    d.items[0].target_price = Some(Money {
        amount: 10.0,
        currency: "XYZ".into(),
    });
    d.incoterm = Some("FOO".into());
    d.delivery_by = Some("2027-02-30".into());
    d.message = Some("я".repeat(4001));
    d.buyer = Buyer {
        name: "  ".into(),
        email: Some("not-an-address".into()),
        phone: Some("8 701 123".into()),
        ..Default::default()
    };
    d.consent.contact = false;
    d
}

#[test]
fn a_valid_inquiry_has_no_errors() {
    assert_eq!(validate_inquiry(&valid(), Lang::En), vec![]);
}

#[test]
fn every_field_error_is_named_and_said_in_each_language() {
    let expected = [
        ("items[0].quantity", FieldErrorCode::NotPositive),
        ("items[0].unit", FieldErrorCode::UnknownUnit),
        (
            "items[0].target_price.currency",
            FieldErrorCode::UnknownCurrency,
        ),
        ("incoterm", FieldErrorCode::UnknownIncoterm),
        ("delivery_by", FieldErrorCode::Invalid),
        ("message", FieldErrorCode::TooLong),
        ("buyer.name", FieldErrorCode::Required),
        ("buyer.email", FieldErrorCode::Invalid),
        ("buyer.phone", FieldErrorCode::Invalid),
        ("consent.contact", FieldErrorCode::ConsentRequired),
    ];
    let messages = [
        (
            Lang::En,
            "At most 4000 characters",
            "Tick the box to agree to be contacted about this inquiry",
            "This field is required",
        ),
        (
            Lang::Ru,
            "Не более 4000 символов",
            "Отметьте согласие на то, чтобы с вами связались по этому запросу",
            "Заполните это поле",
        ),
        (
            Lang::Zh,
            "最多 4000 个字符",
            "请勾选同意我们就此询价与您联系",
            "此项为必填项",
        ),
    ];
    for (lang, too_long, consent, required) in messages {
        let errors = validate_inquiry(&invalid(), lang);
        let got: Vec<(&str, FieldErrorCode)> =
            errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
        assert_eq!(got, expected, "{lang:?}");
        let say = |field: &str| {
            errors
                .iter()
                .find(|e| e.field == field)
                .unwrap()
                .message
                .replace(['\u{a0}', '\u{202f}'], " ")
        };
        assert_eq!(say("message"), too_long, "{lang:?}");
        assert_eq!(say("consent.contact"), consent, "{lang:?}");
        assert_eq!(say("buyer.name"), required, "{lang:?}");
    }
}

#[test]
fn russian_limits_use_plural_forms() {
    let mut d = valid();
    d.items = (0..51).map(|_| valid().items[0].clone()).collect();
    let errors = validate_inquiry(&d, Lang::Ru);
    assert_eq!(errors[0].field, "items");
    assert_eq!(errors[0].message, "В одном запросе не более 50 товаров");
    d.items.clear();
    assert_eq!(
        validate_inquiry(&d, Lang::Ru)[0].message,
        "Добавьте хотя бы один товар"
    );
}

#[test]
fn a_contact_is_required() {
    let mut d = valid();
    d.buyer.messenger = None;
    let errors = validate_inquiry(&d, Lang::Ru);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].field, "buyer");
    assert_eq!(errors[0].code, FieldErrorCode::ContactRequired);
    assert_eq!(
        errors[0].message,
        "Укажите хотя бы один способ связи: эл. почту, телефон или мессенджер"
    );
}

#[test]
fn null_means_absent_and_missing_fields_are_named() {
    let d: InquiryDraft = serde_json::from_str(
        r#"{"locale": "en", "items": [{"product_id": "x-1", "quantity": 2, "unit": "box", "target_price": null}],
            "incoterm": null, "buyer": {"name": "Ann", "phone": "+8613800138000", "email": null},
            "consent": {"contact": true, "text_version": "2026-11"}}"#,
    )
    .unwrap();
    assert_eq!(validate_inquiry(&d, Lang::En), vec![]);
    let empty: InquiryDraft = serde_json::from_str("{}").unwrap();
    let fields: Vec<String> = validate_inquiry(&empty, Lang::En)
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        [
            "locale",
            "items",
            "buyer.name",
            "buyer",
            "consent.contact",
            "consent.text_version"
        ]
    );
}

#[tokio::test]
async fn nothing_invalid_is_queued() {
    let dir = tempfile::tempdir().unwrap();
    let showroom = Showroom::open(Config::new(dir.path())).await.unwrap();
    let source = Source {
        kind: SourceKind::Kiosk,
        device_id: "k1".into(),
        app_version: "0.1.0".into(),
    };
    for lang in Lang::ALL {
        let result = showroom
            .submit_inquiry(invalid(), &source, lang, OffsetDateTime::now_utc())
            .await
            .unwrap();
        assert!(matches!(result, SubmitResult::Invalid { errors } if errors.len() == 10));
    }
    assert!(showroom.outbox().await.unwrap().is_empty());
    let SubmitResult::Queued { entry } = showroom
        .submit_inquiry(valid(), &source, Lang::Zh, OffsetDateTime::now_utc())
        .await
        .unwrap()
    else {
        panic!("valid inquiry refused")
    };
    assert_eq!(entry.client_ref.len(), 36);
    assert_eq!(entry.attempts, 0);
    let listed = showroom.outbox().await.unwrap();
    assert_eq!(listed, vec![entry]);
    showroom.close().await;
}

/// The heartbeat's outbox figures: inquiries waiting to leave and the oldest one's age.
#[tokio::test]
async fn the_backlog_counts_waiting_inquiries_and_ages_the_oldest() {
    let dir = tempfile::tempdir().unwrap();
    let showroom = Showroom::open(Config::new(dir.path())).await.unwrap();
    let source = Source {
        kind: SourceKind::Kiosk,
        device_id: "k1".into(),
        app_version: "0.1.0".into(),
    };
    let t0 = OffsetDateTime::from_unix_timestamp(1_800_000_000).unwrap();
    let empty = showroom.outbox_backlog(t0).await.unwrap();
    assert_eq!((empty.pending, empty.oldest_age_secs), (0, None));
    for offset in [0, 60] {
        let at = t0 + time::Duration::seconds(offset);
        let result = showroom
            .submit_inquiry(valid(), &source, Lang::En, at)
            .await
            .unwrap();
        assert!(matches!(result, SubmitResult::Queued { .. }));
    }
    let backlog = showroom
        .outbox_backlog(t0 + time::Duration::seconds(100))
        .await
        .unwrap();
    assert_eq!(backlog.pending, 2);
    assert_eq!(backlog.oldest_age_secs, Some(100));
    showroom.close().await;
}

/// Ten megabytes of spaces around a short value: what a field may hold is bounded before
/// it is trimmed, so padding cannot smuggle a huge body into the outbox.
fn padded(value: &str) -> String {
    let pad = " ".repeat(5 << 20);
    format!("{pad}{value}{pad}")
}

#[test]
fn every_text_field_is_bounded_before_trimming() {
    type Set = fn(&mut InquiryDraft, String);
    let fields: [(&str, Set); 12] = [
        ("buyer.name", |d, v| d.buyer.name = v),
        ("buyer.company", |d, v| d.buyer.company = Some(v)),
        ("buyer.email", |d, v| d.buyer.email = Some(v)),
        ("buyer.phone", |d, v| d.buyer.phone = Some(v)),
        ("buyer.country", |d, v| d.buyer.country = Some(v)),
        ("buyer.messenger.handle", |d, v| {
            d.buyer.messenger.as_mut().unwrap().handle = v
        }),
        ("message", |d, v| d.message = Some(v)),
        ("incoterm", |d, v| d.incoterm = Some(v)),
        ("delivery_by", |d, v| d.delivery_by = Some(v)),
        ("destination.place", |d, v| {
            d.destination = Some(showroom_core::inquiry::Destination {
                country: "CN".into(),
                place: Some(v),
            })
        }),
        ("consent.text_version", |d, v| d.consent.text_version = v),
        ("consent.text_version", |d, v| {
            d.consent.text_version = v.trim().repeat(100)
        }),
    ];
    let short = |field: &str| match field {
        "buyer.email" => "ann@example.kz",
        "buyer.phone" => "+8613800138000",
        "buyer.country" => "KZ",
        "incoterm" => "FOB",
        "delivery_by" => "2027-03-01",
        "consent.text_version" => "2026-11",
        _ => "Qingdao",
    };
    for (field, set) in fields {
        // The short value alone is valid...
        let mut d = valid();
        set(&mut d, short(field).to_string());
        if field == "consent.text_version" && d.consent.text_version.len() > 64 {
            // ...except the hundredfold consent version: no version is that long.
            let errors = validate_inquiry(&d, Lang::En);
            assert_eq!(errors.len(), 1, "{field}: {errors:?}");
            assert_eq!(
                (errors[0].field.as_str(), errors[0].code),
                (field, FieldErrorCode::TooLong)
            );
            continue;
        }
        assert_eq!(validate_inquiry(&d, Lang::En), vec![], "{field}");
        // ...and padded with 10 MB of spaces it is refused as too long, not trimmed.
        let mut d = valid();
        set(&mut d, padded(short(field)));
        let errors = validate_inquiry(&d, Lang::En);
        assert!(
            errors
                .iter()
                .any(|e| e.field == field && e.code == FieldErrorCode::TooLong),
            "{field}: {errors:?}"
        );
    }
    // Every item's strings as well.
    let mut d = valid();
    d.items[0].product_id = padded("ru-altai-mountain-honey-1kg");
    d.items[0].unit = padded("kg");
    d.items[0].target_price = Some(Money {
        amount: 1.0,
        currency: padded("CNY"),
    });
    let fields: Vec<String> = validate_inquiry(&d, Lang::En)
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        [
            "items[0].product_id",
            "items[0].unit",
            "items[0].target_price.currency"
        ]
    );
    let mut d = valid();
    d.locale = padded("zh");
    assert_eq!(validate_inquiry(&d, Lang::En)[0].field, "locale");
}

#[tokio::test]
async fn what_is_stored_is_trimmed() {
    let dir = tempfile::tempdir().unwrap();
    let showroom = Showroom::open(Config::new(dir.path())).await.unwrap();
    let source = Source {
        kind: SourceKind::Desktop,
        device_id: "d1".into(),
        app_version: "0.1.0".into(),
    };
    let mut d = valid();
    d.buyer.name = "  王伟 \n".into();
    d.buyer.company = Some("   ".into());
    d.buyer.email = Some(" wang@example.cn ".into());
    d.buyer.messenger.as_mut().unwrap().handle = "\twangwei_qd ".into();
    d.incoterm = Some(" FOB".into());
    d.delivery_by = Some("2027-03-01 ".into());
    d.message = Some("\n  500 kg, please.  \n".into());
    d.consent.text_version = " 2026-11 ".into();
    let SubmitResult::Queued { entry } = showroom
        .submit_inquiry(d, &source, Lang::Zh, OffsetDateTime::now_utc())
        .await
        .unwrap()
    else {
        panic!("a valid inquiry with spaces around its values was refused")
    };
    showroom.close().await;
    // Read back from the real database file, as the sender will send it.
    let pool = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=ro",
        dir.path().join("showroom.db").display()
    ))
    .await
    .unwrap();
    let body: String = sqlx::query_scalar("SELECT body FROM outbox WHERE client_ref = ?")
        .bind(&entry.client_ref)
        .fetch_one(&pool)
        .await
        .unwrap();
    pool.close().await;
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(body["buyer"]["name"], "王伟");
    assert!(body["buyer"].get("company").is_none(), "{body}");
    assert_eq!(body["buyer"]["email"], "wang@example.cn");
    assert_eq!(body["buyer"]["messenger"]["handle"], "wangwei_qd");
    assert_eq!(body["incoterm"], "FOB");
    assert_eq!(body["delivery_by"], "2027-03-01");
    assert_eq!(body["message"], "500 kg, please.");
    assert_eq!(body["consent"]["text_version"], "2026-11");
}
