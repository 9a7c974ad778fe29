//! QR codes of addresses in the online show, as data the UI draws.

use serde::Serialize;
use ts_rs::TS;

use crate::error::{Error, Result};

/// A QR code as data: `size` modules square, `path` the SVG path data of the dark
/// modules in module units (the UI draws it; no markup crosses the boundary).
#[derive(Clone, Debug, Serialize, TS)]
pub struct QrCode {
    pub size: u32,
    pub path: String,
    pub url: String,
}

/// The QR code of `url` (an address in the online show).
pub fn qr_code(url: &str) -> Result<QrCode> {
    let code = qrcode::QrCode::with_error_correction_level(url.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| {
            Error::internal_from(format!("the QR code of a {}-byte address", url.len()), e)
        })?;
    let size = code.width();
    let colors = code.to_colors();
    let mut path = String::new();
    for y in 0..size {
        let mut x = 0;
        while x < size {
            if colors[y * size + x] == qrcode::Color::Dark {
                let start = x;
                while x < size && colors[y * size + x] == qrcode::Color::Dark {
                    x += 1;
                }
                path.push_str(&format!("M{start} {y}h{}v1h-{}z", x - start, x - start));
            } else {
                x += 1;
            }
        }
    }
    Ok(QrCode {
        size: size as u32,
        path,
        url: url.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn qr_path_covers_the_dark_modules() {
        let qr = qr_code("https://show.example/#/product/ru-honey").unwrap();
        assert!(qr.size >= 21);
        assert!(
            qr.path.starts_with("M0 0h7v1h-7z"),
            "finder pattern first: {}",
            &qr.path[..20]
        );
    }

    #[test]
    fn an_address_too_long_for_a_code_keeps_the_encoders_reason() {
        let error = qr_code(&"x".repeat(5000)).unwrap_err();
        assert_eq!(error.code(), crate::ErrorCode::Internal);
        let reason = std::error::Error::source(&error).expect("the encoder's error as the cause");
        assert!(!reason.to_string().is_empty());
    }
}
