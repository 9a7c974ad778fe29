//! The online show's pages by address: `/{lang}/products/{id}`, `/{lang}/exhibitors/{id}`,
//! `/{lang}/categories/{id}` and the app's other screens, each the UI's `index.html` with a
//! real head (title, description, canonical address, `hreflang` alternates, Open Graph and
//! Twitter cards with the product's picture and price) and the page's text in
//! `<main id="prerender">` for link previews, search engines and readers without
//! JavaScript (the UI removes it when it starts). Also `/sitemap.xml` (an index of
//! per-language sitemaps of every page, with alternates) and `/robots.txt`.
//!
//! Every page starts with a search box (a plain form to `/{lang}/search?q=`, whose page
//! lists what matches), so a visitor on a slow link can type before the app's script has
//! arrived: the UI's `boot.js`, a few hundred bytes the page asks for first, sends that
//! search at once, and the app takes the text, the focus and the reply over when it starts.
//!
//! Everything from the catalog is escaped; nothing of a visitor's (a reference, a query)
//! is ever written into a page.

use std::fmt::Write;

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use showroom_core::i18n::{n, s, tr};
use showroom_core::model::{LocalizedText, Price, pick};
use showroom_core::search::SearchHit;
use showroom_core::search::places::country_name;
use showroom_core::{Lang, SearchRequest};

use super::App;

/// URLs per sitemap file (the protocol allows 50,000).
pub const SITEMAP_CHUNK: usize = 10_000;
/// Products listed in the text of a category or exhibitor page.
const LISTED: usize = 60;

/// Escapes text for HTML element content and double-quoted attributes.
pub fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() && c != '\n' => {}
            c => out.push(c),
        }
    }
    out
}

/// Percent-encodes one path segment (an id may hold any character but `/`, which
/// separates a category's levels and is kept).
pub fn seg(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn unescape(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn lang_of_segment(segment: &str) -> Option<Lang> {
    match segment {
        "zh" => Some(Lang::Zh),
        "ru" => Some(Lang::Ru),
        "en" => Some(Lang::En),
        _ => None,
    }
}

/// The Open Graph form of a locale (`ru_RU`).
fn og_locale(lang: Lang) -> String {
    lang.locale().replace('-', "_")
}

/// The page a path names.
#[derive(Debug, PartialEq)]
pub enum Page {
    Home,
    Product(String),
    Exhibitor(String),
    Category(String),
    /// The search, with the query of the address (`?q=`): the products that match are
    /// listed, the query itself is never written into the page. Never indexed.
    Search(String),
    /// Another screen of the app (search, hall, shortlist, inquiries, ...): a page with the
    /// show's name only, never indexed.
    Screen,
    /// No such page: the app's not-found screen, with status 404.
    Missing,
}

/// Reads `/{lang}/...`; `None` when the path is not a page of the show.
pub fn parse(path: &str) -> Option<(Lang, Page)> {
    let rest = path.strip_prefix('/')?;
    let (first, tail) = rest.split_once('/').unwrap_or((rest, ""));
    let lang = lang_of_segment(first)?;
    let tail = tail.trim_end_matches('/');
    if tail.is_empty() {
        return Some((lang, Page::Home));
    }
    let (kind, id) = tail.split_once('/').unwrap_or((tail, ""));
    let id = unescape(id)?;
    let page = match (kind, id.is_empty()) {
        ("products", false) if !id.contains('/') => Page::Product(id),
        ("exhibitors", false) if !id.contains('/') => Page::Exhibitor(id),
        ("categories", false) => Page::Category(id),
        ("search", true) => Page::Search(String::new()),
        ("hall" | "shortlist" | "inquiry" | "inquiries" | "insights" | "attract", _) => {
            Page::Screen
        }
        _ => return None,
    };
    Some((lang, page))
}

/// The show's address without a trailing slash: the configured public URL, else this
/// request's own origin (its Host was already checked against the allowed names).
pub fn base(app: &App, headers: &HeaderMap) -> String {
    if let Some(url) = &app.settings.public_url {
        return url.trim_end_matches('/').to_string();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("localhost");
    format!("http://{host}")
}

/// The path of a page in a language (`/ru/products/ru-altai-honey`).
pub fn path_of(lang: Lang, page: &Page) -> String {
    match page {
        Page::Home | Page::Screen | Page::Missing => format!("/{}/", lang.code()),
        Page::Product(id) => format!("/{}/products/{}", lang.code(), seg(id)),
        Page::Exhibitor(id) => format!("/{}/exhibitors/{}", lang.code(), seg(id)),
        Page::Category(id) => format!("/{}/categories/{}", lang.code(), seg(id)),
        Page::Search(_) => format!("/{}/search", lang.code()),
    }
}

fn text(t: &LocalizedText, lang: Lang) -> String {
    pick(t, lang)
        .map(|(_, v)| v.to_string())
        .unwrap_or_default()
}

fn price_text(price: &Price, unit: &str, lang: Lang) -> Option<String> {
    let first = price
        .tiers
        .iter()
        .map(|t| t.unit_price)
        .fold(f64::INFINITY, f64::min);
    first.is_finite().then(|| {
        tr(
            lang,
            "page-price-from",
            &[
                s("price", format_price(first)),
                s("currency", price.currency.as_str()),
                s("unit", unit),
            ],
        )
    })
}

fn format_price(value: f64) -> String {
    if value.fract() == 0.0 {
        format!("{value:.0}")
    } else {
        format!("{value:.2}")
    }
}

/// At most `max` characters, cut at a word where one is near.
fn clip(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max - 1).collect();
    let at = cut
        .rfind(' ')
        .filter(|i| *i > cut.len() * 2 / 3)
        .unwrap_or(cut.len());
    format!("{}…", &cut[..at])
}

/// Links to products, closing the `<ul>` the caller opened.
fn list_products<'a>(body: &mut String, lang: Lang, hits: impl Iterator<Item = &'a SearchHit>) {
    for hit in hits {
        let _ = write!(
            body,
            "<li><a href=\"{}\">{}</a></li>",
            esc(&path_of(lang, &Page::Product(hit.id.clone()))),
            esc(&text(&hit.name, lang))
        );
    }
    body.push_str("</ul>");
}

/// The address of a photo's detail-size thumbnail, by its digest (kept for good).
fn picture(base: &str, digest: &str) -> String {
    format!("{base}/media/{}/detail", seg(digest))
}

/// The picture of the first listed product that has one, with its name as the alt text.
fn first_picture(hits: &[SearchHit], lang: Lang, base: &str) -> Option<(String, String)> {
    hits.iter()
        .find_map(|h| Some((picture(base, h.image.as_deref()?), text(&h.name, lang))))
}

/// What a page shows: its head and its text.
struct Rendered {
    status: StatusCode,
    title: String,
    description: String,
    image: Option<(String, String)>,
    og_type: &'static str,
    price: Option<(f64, String)>,
    index: bool,
    body: String,
}

async fn render(app: &App, lang: Lang, page: &Page, base: &str) -> Rendered {
    let api = &app.api;
    let site = tr(lang, "page-site-name", &[]);
    let not_found = || Rendered {
        status: StatusCode::NOT_FOUND,
        title: tr(lang, "page-not-found", &[]),
        description: String::new(),
        image: None,
        og_type: "website",
        price: None,
        index: false,
        body: format!("<h1>{}</h1>", esc(&tr(lang, "page-not-found", &[]))),
    };
    match page {
        Page::Home => {
            let Ok(info) = api.catalog_info(lang).await else {
                return not_found();
            };
            let description = tr(
                lang,
                "page-home-description",
                &[
                    n("products", info.products),
                    n("exhibitors", info.exhibitors),
                ],
            );
            let mut body = format!(
                "<h1>{}</h1><p>{}</p><h2>{}</h2><ul>",
                esc(&tr(lang, "page-home-title", &[])),
                esc(&description),
                esc(&tr(lang, "page-categories", &[]))
            );
            for (id, name) in &info.category_names {
                let _ = write!(
                    body,
                    "<li><a href=\"{}\">{}</a></li>",
                    esc(&path_of(lang, &Page::Category(id.clone()))),
                    esc(&text(name, lang))
                );
            }
            body.push_str("</ul>");
            Rendered {
                status: StatusCode::OK,
                title: tr(lang, "page-home-title", &[]),
                description,
                image: None,
                og_type: "website",
                price: None,
                index: true,
                body,
            }
        }
        Page::Product(id) => {
            let Ok(p) = api.product(id, lang).await else {
                return not_found();
            };
            let name = text(&p.name, lang);
            let description = p
                .description
                .as_ref()
                .map(|d| text(d, lang))
                .unwrap_or_default();
            let price = p
                .price
                .as_ref()
                .and_then(|pr| price_text(pr, &p.unit, lang));
            let place = [
                p.city.as_ref().map(|c| text(c, lang)),
                country_name(&p.country, lang.code()).map(String::from),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            let summary = [
                price.clone(),
                Some(tr(lang, "page-made-in", &[s("place", place.as_str())])),
                Some(clip(&description, 200)),
            ]
            .into_iter()
            .flatten()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
            let image = p
                .images
                .first()
                .map(|digest| (picture(base, digest), name.clone()));
            let mut body = format!("<article><h1>{}</h1>", esc(&name));
            if let Some((src, alt)) = &image {
                let _ = write!(
                    body,
                    "<img src=\"{}\" alt=\"{}\" width=\"360\">",
                    esc(src),
                    esc(alt)
                );
            }
            if let Some(price) = &price {
                let _ = write!(body, "<p>{}</p>", esc(price));
            }
            if !description.is_empty() {
                let _ = write!(body, "<p>{}</p>", esc(&description));
            }
            let _ = write!(
                body,
                "<p>{}</p><p><a href=\"{}\">{}</a></p><p><a href=\"{}\">{}</a></p></article>",
                esc(&tr(lang, "page-made-in", &[s("place", place.as_str())])),
                esc(&path_of(lang, &Page::Exhibitor(p.exhibitor.id.clone()))),
                esc(&tr(
                    lang,
                    "page-exhibitor",
                    &[s("name", text(&p.exhibitor.name, lang))]
                )),
                esc(&path_of(lang, &Page::Category(p.category.id.clone()))),
                esc(&tr(
                    lang,
                    "page-category",
                    &[s("name", text(&p.category.name, lang))]
                )),
            );
            let og_price = p.price.as_ref().and_then(|pr| {
                pr.tiers
                    .iter()
                    .map(|t| t.unit_price)
                    .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.min(v))))
                    .map(|v| (v, pr.currency.clone()))
            });
            Rendered {
                status: StatusCode::OK,
                title: name,
                description: clip(&summary, 300),
                image,
                og_type: "product",
                price: og_price,
                index: true,
                body,
            }
        }
        Page::Exhibitor(id) => {
            let Ok(e) = api.exhibitor_page(id, 0, lang).await else {
                return not_found();
            };
            let name = text(&e.name, lang);
            let place = [
                e.city.as_ref().map(|c| text(c, lang)),
                country_name(&e.country, lang.code()).map(String::from),
            ]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(", ");
            let about = e
                .description
                .as_ref()
                .map(|d| text(d, lang))
                .unwrap_or_default();
            let description = tr(
                lang,
                "page-exhibitor-description",
                &[
                    s("name", name.as_str()),
                    s("place", place.as_str()),
                    n("count", f64::from(e.products_total)),
                ],
            );
            let mut body = format!("<h1>{}</h1><p>{}</p>", esc(&name), esc(&description));
            if !about.is_empty() {
                let _ = write!(body, "<p>{}</p>", esc(&about));
            }
            let _ = write!(
                body,
                "<h2>{}</h2><ul>",
                esc(&tr(lang, "page-products", &[]))
            );
            list_products(&mut body, lang, e.products.iter().take(LISTED));
            let image = first_picture(&e.products, lang, base);
            Rendered {
                status: StatusCode::OK,
                title: name,
                description: clip(&format!("{description} {about}"), 300),
                image,
                og_type: "website",
                price: None,
                index: true,
                body,
            }
        }
        Page::Category(id) => {
            let Ok(category) = api.showroom().category(id).await else {
                return not_found();
            };
            let name = text(&category.name, lang);
            let found = api
                .search(SearchRequest {
                    lang,
                    limit: Some(LISTED),
                    category: Some(id.clone()),
                    ..SearchRequest::default()
                })
                .await;
            let (total, hits) = found.map(|f| (f.total, f.hits)).unwrap_or_default();
            let description = tr(
                lang,
                "page-category-description",
                &[s("name", name.as_str()), n("count", total as f64)],
            );
            let mut body = format!("<h1>{}</h1><p>{}</p><ul>", esc(&name), esc(&description));
            list_products(&mut body, lang, hits.iter());
            let image = first_picture(&hits, lang, base);
            Rendered {
                status: StatusCode::OK,
                title: name,
                description,
                image,
                og_type: "website",
                price: None,
                index: true,
                body,
            }
        }
        Page::Search(query) => {
            let title = tr(lang, "page-search-title", &[]);
            let mut body = format!("<h1>{}</h1>", esc(&title));
            let query = query.trim();
            if !query.is_empty() {
                let found = api
                    .search(SearchRequest {
                        query: query.to_string(),
                        lang,
                        limit: Some(LISTED),
                        ..SearchRequest::default()
                    })
                    .await;
                let (total, hits, mut related) = found
                    .map(|f| (f.total, f.hits, f.related))
                    .unwrap_or_default();
                // After a few results, the closest other goods come marked in `hits`.
                let (hits, more): (Vec<_>, Vec<_>) = hits.into_iter().partition(|h| !h.related);
                related.extend(more);
                let _ = write!(
                    body,
                    "<p>{}</p><ul>",
                    esc(&tr(lang, "page-search-found", &[n("count", total as f64)]))
                );
                list_products(&mut body, lang, hits.iter());
                // Related goods: under their own heading, as in the app.
                if !related.is_empty() {
                    let _ = write!(
                        body,
                        "<h2>{}</h2><ul>",
                        esc(&tr(lang, "page-search-related", &[]))
                    );
                    list_products(&mut body, lang, related.iter());
                }
            }
            Rendered {
                status: StatusCode::OK,
                title,
                description: tr(lang, "page-home-title", &[]),
                image: None,
                og_type: "website",
                price: None,
                index: false,
                body,
            }
        }
        Page::Missing => not_found(),
        Page::Screen => Rendered {
            status: StatusCode::OK,
            title: site.clone(),
            description: tr(lang, "page-home-title", &[]),
            image: None,
            og_type: "website",
            price: None,
            index: false,
            body: format!("<h1>{}</h1>", esc(&site)),
        },
    }
}

/// The page's `<head>` additions.
fn head(lang: Lang, page: &Page, base: &str, r: &Rendered) -> String {
    let site = tr(lang, "page-site-name", &[]);
    let title = if r.title == site {
        site.clone()
    } else {
        format!("{} · {site}", r.title)
    };
    let canonical = format!("{base}{}", path_of(lang, page));
    let mut h = String::new();
    let _ = writeln!(h, "<title>{}</title>", esc(&title));
    if !r.description.is_empty() {
        let _ = writeln!(
            h,
            "<meta name=\"description\" content=\"{}\">",
            esc(&r.description)
        );
    }
    if !r.index {
        h.push_str("<meta name=\"robots\" content=\"noindex\">\n");
    }
    if r.index && r.status == StatusCode::OK {
        let _ = writeln!(h, "<link rel=\"canonical\" href=\"{}\">", esc(&canonical));
        for other in Lang::ALL {
            let _ = writeln!(
                h,
                "<link rel=\"alternate\" hreflang=\"{}\" href=\"{}\">",
                other.locale(),
                esc(&format!("{base}{}", path_of(other, page)))
            );
        }
        let _ = writeln!(
            h,
            "<link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\">",
            esc(&format!("{base}{}", path_of(Lang::En, page)))
        );
    }
    let _ = writeln!(
        h,
        "<meta property=\"og:site_name\" content=\"{}\">",
        esc(&site)
    );
    let _ = writeln!(h, "<meta property=\"og:type\" content=\"{}\">", r.og_type);
    let _ = writeln!(
        h,
        "<meta property=\"og:title\" content=\"{}\">",
        esc(&r.title)
    );
    if !r.description.is_empty() {
        let _ = writeln!(
            h,
            "<meta property=\"og:description\" content=\"{}\">",
            esc(&r.description)
        );
    }
    let _ = writeln!(
        h,
        "<meta property=\"og:url\" content=\"{}\">",
        esc(&canonical)
    );
    let _ = writeln!(
        h,
        "<meta property=\"og:locale\" content=\"{}\">",
        og_locale(lang)
    );
    for other in Lang::ALL.into_iter().filter(|l| *l != lang) {
        let _ = writeln!(
            h,
            "<meta property=\"og:locale:alternate\" content=\"{}\">",
            og_locale(other)
        );
    }
    if let Some((src, alt)) = &r.image {
        let _ = writeln!(h, "<meta property=\"og:image\" content=\"{}\">", esc(src));
        let _ = writeln!(
            h,
            "<meta property=\"og:image:type\" content=\"image/jpeg\">"
        );
        let _ = writeln!(
            h,
            "<meta property=\"og:image:alt\" content=\"{}\">",
            esc(alt)
        );
    }
    if let Some((amount, currency)) = &r.price {
        let _ = writeln!(
            h,
            "<meta property=\"product:price:amount\" content=\"{}\">",
            format_price(*amount)
        );
        let _ = writeln!(
            h,
            "<meta property=\"product:price:currency\" content=\"{}\">",
            esc(currency)
        );
    }
    let card = if r.image.is_some() {
        "summary_large_image"
    } else {
        "summary"
    };
    let _ = writeln!(h, "<meta name=\"twitter:card\" content=\"{card}\">");
    let _ = writeln!(
        h,
        "<meta name=\"twitter:title\" content=\"{}\">",
        esc(&r.title)
    );
    if !r.description.is_empty() {
        let _ = writeln!(
            h,
            "<meta name=\"twitter:description\" content=\"{}\">",
            esc(&r.description)
        );
    }
    if let Some((src, alt)) = &r.image {
        let _ = writeln!(h, "<meta name=\"twitter:image\" content=\"{}\">", esc(src));
        let _ = writeln!(
            h,
            "<meta name=\"twitter:image:alt\" content=\"{}\">",
            esc(alt)
        );
    }
    h
}

/// The search box every page starts with: a plain form to the search page, which the
/// UI's `boot.js` makes search as the visitor types, and the app takes over when it starts.
/// Never filled in (nothing of a visitor's is written into a page).
fn search_form(lang: Lang) -> String {
    format!(
        "<form class=\"prerender-search\" role=\"search\" action=\"/{}/search\" method=\"get\">\
         <label for=\"prerender-q\">{}</label> <input id=\"prerender-q\" type=\"search\" \
         name=\"q\" placeholder=\"{}\" autocomplete=\"off\" data-testid=\"search\"> \
         <button type=\"submit\">{}</button></form>",
        lang.code(),
        esc(&tr(lang, "page-search-label", &[])),
        esc(&tr(lang, "page-search-placeholder", &[])),
        esc(&tr(lang, "page-search-submit", &[])),
    )
}

/// The UI's file that makes a page's search box search before the app has started.
pub const BOOT_SCRIPT: &str = "boot.js";

/// The UI's index.html as page `page` in `lang`: asset paths made absolute (the page is
/// not at the root), the head and the page's text put in.
pub async fn page(
    app: &App,
    headers: &HeaderMap,
    lang: Lang,
    page: &Page,
    template: &str,
) -> Response {
    let base = base(app, headers);
    let rendered = render(app, lang, page, &base).await;
    let head = head(lang, page, &base, &rendered);
    let mut html = template.replace("=\"./", "=\"/").replacen(
        "<html lang=\"en-US\">",
        &format!("<html lang=\"{}\">", lang.locale()),
        1,
    );
    // The template's own title gives way to the page's.
    if let (Some(start), Some(end)) = (html.find("<title>"), html.find("</title>")) {
        html.replace_range(start..end + "</title>".len(), "");
    }
    html = html.replacen("</head>", &format!("{head}</head>"), 1);
    // Small, and asked for before the UI's own files: it is what makes the search box
    // work on a slow link before they have arrived.
    if app.ui.join(BOOT_SCRIPT).is_file() {
        let first = ["<link", "<script", "</head>"]
            .iter()
            .filter_map(|tag| html.find(tag))
            .min()
            .unwrap_or(0);
        html.insert_str(
            first,
            &format!("<script src=\"/{BOOT_SCRIPT}\" async fetchpriority=\"high\"></script>\n"),
        );
    }
    html = html.replacen(
        "<div id=\"app\">",
        &format!(
            "<main id=\"prerender\" lang=\"{}\">{}{}</main><div id=\"app\">",
            lang.locale(),
            search_form(lang),
            rendered.body
        ),
        1,
    );
    (
        rendered.status,
        [
            (header::CONTENT_TYPE, "text/html; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, super::CSP),
            (header::VARY, "Accept-Encoding"),
        ],
        html,
    )
        .into_response()
}

/// The visitor's language from `Accept-Language` (English otherwise).
pub fn preferred(headers: &HeaderMap) -> Lang {
    headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.split(',')
                .filter_map(|part| Lang::parse(part.split(';').next().unwrap_or_default().trim()))
                .next()
        })
        .unwrap_or_default()
}

/// `/`: to the home page in the visitor's language, the query kept (`?kiosk=1`, `?lang=`;
/// a `#/...` of an old link is kept by the browser and read by the UI there).
pub fn root_redirect(headers: &HeaderMap, query: Option<&str>) -> Response {
    let lang = preferred(headers);
    let query = query
        .filter(|q| !q.is_empty() && !q.contains(['\r', '\n']))
        .map(|q| format!("?{q}"))
        .unwrap_or_default();
    (
        StatusCode::FOUND,
        [
            (header::LOCATION, format!("/{}/{query}", lang.code())),
            (header::VARY, "Accept-Language".to_string()),
            (header::CACHE_CONTROL, "no-cache".to_string()),
        ],
    )
        .into_response()
}

pub fn robots(base: &str) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        format!("User-agent: *\nAllow: /\nDisallow: /api/\nDisallow: /*/inquiries\nDisallow: /*/inquiry\nDisallow: /*/shortlist\nDisallow: /*/search\n\nSitemap: {base}/sitemap.xml\n"),
    )
        .into_response()
}

/// Every page of one language, in sitemap order.
fn pages(ids: &showroom_core::PageIds) -> impl Iterator<Item = Page> + '_ {
    std::iter::once(Page::Home)
        .chain(ids.categories.iter().cloned().map(Page::Category))
        .chain(ids.exhibitors.iter().cloned().map(Page::Exhibitor))
        .chain(ids.products.iter().cloned().map(Page::Product))
}

fn xml(body: String) -> Response {
    (
        [
            (header::CONTENT_TYPE, "application/xml; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        body,
    )
        .into_response()
}

/// `/sitemap.xml`: the index of the per-language sitemaps.
pub fn sitemap_index(base: &str, ids: &showroom_core::PageIds) -> Response {
    let total = 1 + ids.categories.len() + ids.exhibitors.len() + ids.products.len();
    let chunks = total.div_ceil(SITEMAP_CHUNK);
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for lang in Lang::ALL {
        for chunk in 0..chunks {
            let _ = writeln!(
                out,
                "<sitemap><loc>{}</loc></sitemap>",
                esc(&format!("{base}/sitemaps/{}/{chunk}.xml", lang.code()))
            );
        }
    }
    out.push_str("</sitemapindex>\n");
    xml(out)
}

/// `/sitemaps/{lang}/{n}.xml`: pages of one language, each with its alternates.
pub fn sitemap(
    base: &str,
    ids: &showroom_core::PageIds,
    lang: Lang,
    chunk: usize,
) -> Option<Response> {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" xmlns:xhtml=\"http://www.w3.org/1999/xhtml\">\n",
    );
    let mut any = false;
    for page in pages(ids).skip(chunk * SITEMAP_CHUNK).take(SITEMAP_CHUNK) {
        any = true;
        let _ = write!(
            out,
            "<url><loc>{}</loc>",
            esc(&format!("{base}{}", path_of(lang, &page)))
        );
        for other in Lang::ALL {
            let _ = write!(
                out,
                "<xhtml:link rel=\"alternate\" hreflang=\"{}\" href=\"{}\"/>",
                other.locale(),
                esc(&format!("{base}{}", path_of(other, &page)))
            );
        }
        let _ = writeln!(
            out,
            "<xhtml:link rel=\"alternate\" hreflang=\"x-default\" href=\"{}\"/></url>",
            esc(&format!("{base}{}", path_of(Lang::En, &page)))
        );
    }
    out.push_str("</urlset>\n");
    any.then(|| xml(out))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_name_pages() {
        assert_eq!(parse("/ru/"), Some((Lang::Ru, Page::Home)));
        assert_eq!(parse("/zh"), Some((Lang::Zh, Page::Home)));
        assert_eq!(
            parse("/en/products/ru-altai%20honey"),
            Some((Lang::En, Page::Product("ru-altai honey".into())))
        );
        assert_eq!(
            parse("/en/categories/food/honey"),
            Some((Lang::En, Page::Category("food/honey".into())))
        );
        assert_eq!(
            parse("/en/categories/food%2Fhoney"),
            Some((Lang::En, Page::Category("food/honey".into())))
        );
        assert_eq!(parse("/ru/inquiries/abc"), Some((Lang::Ru, Page::Screen)));
        assert_eq!(
            parse("/zh/search"),
            Some((Lang::Zh, Page::Search(String::new())))
        );
        assert_eq!(parse("/zh/search/x"), None);
        assert_eq!(path_of(Lang::Ru, &Page::Search("мёд".into())), "/ru/search");
        assert_eq!(parse("/de/"), None);
        assert_eq!(parse("/en/unknown/x"), None);
        assert_eq!(parse("/assets/index.js"), None);
        assert_eq!(parse("/en/products/%ZZ"), None);
    }

    #[test]
    fn text_from_the_catalog_cannot_break_out() {
        assert_eq!(
            esc("<script>alert(\"x\")</script> & 'q'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;q&#39;"
        );
        assert_eq!(seg("a b/ü?"), "a%20b/%C3%BC%3F");
        assert_eq!(
            path_of(Lang::Ru, &Page::Product("x\"y".into())),
            "/ru/products/x%22y"
        );
    }

    #[test]
    fn descriptions_are_clipped_at_a_word() {
        let long = "word ".repeat(100);
        let clipped = clip(&long, 50);
        assert!(clipped.chars().count() <= 50, "{clipped}");
        assert!(clipped.ends_with("word…"), "{clipped}");
    }
}
