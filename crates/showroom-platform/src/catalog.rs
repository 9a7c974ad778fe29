//! The published catalog: a bundle read and validated by the core's own reader, its
//! objects in the order a bundle lists them, and its images by SHA-256.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use showroom_catalog::{self as catalog, Limits};
use showroom_model::Manifest;

/// One object of the catalog as the NDJSON carries it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Object {
    pub kind: String,
    pub id: String,
    pub data: Value,
}

pub struct Published {
    pub manifest: Manifest,
    pub objects: Vec<Object>,
    pub products: HashSet<String>,
    pub media: HashMap<String, Arc<Vec<u8>>>,
}

pub fn content_type(bytes: &[u8]) -> &'static str {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        "image/jpeg"
    } else if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        "image/webp"
    } else {
        "application/octet-stream"
    }
}

fn object<T: Serialize>(kind: &str, id: &str, value: &T) -> anyhow::Result<Object> {
    Ok(Object {
        kind: kind.to_string(),
        id: id.to_string(),
        data: serde_json::to_value(value)?,
    })
}

impl Published {
    pub fn load(dir: &Path) -> anyhow::Result<Published> {
        let limits = Limits::default();
        let bundle = catalog::load(dir, &limits, false);
        if !bundle.is_valid() {
            let first: Vec<String> = bundle
                .problems
                .iter()
                .take(5)
                .map(|p| p.localize(showroom_model::Lang::En))
                .collect();
            bail!(
                "{}: {} problem(s): {}",
                dir.display(),
                bundle.problems_total,
                first.join("; ")
            );
        }
        let data = bundle.data;
        let manifest = data.manifest.clone().context("bundle without manifest")?;
        let mut objects = Vec::new();
        for c in &data.categories {
            objects.push(object("category", &c.id, c)?);
        }
        for e in &data.exhibitors {
            objects.push(object("exhibitor", &e.id, e)?);
        }
        for h in &data.halls {
            objects.push(object("hall", &h.id, h)?);
        }
        for b in &data.booths {
            objects.push(object("booth", &b.id, b)?);
        }
        let mut media = HashMap::new();
        let mut products = HashSet::new();
        for p in &data.products {
            let mut p = p.clone();
            for image in p.images.iter_mut() {
                let bytes = catalog::read_bundle_bytes(&bundle.root, image, limits.max_image_bytes)
                    .map_err(|e| anyhow::anyhow!("{image}: {e:?}"))?;
                let digest = hex::encode(Sha256::digest(&bytes));
                media.insert(digest.clone(), Arc::new(bytes));
                *image = format!("media/{digest}");
            }
            products.insert(p.id.clone());
            objects.push(object("product", &p.id, &p)?);
        }
        Ok(Published {
            manifest,
            objects,
            products,
            media,
        })
    }

    /// A strong ETag naming this catalog version.
    pub fn etag(&self) -> String {
        format!("\"{}@{}\"", self.manifest.id, self.manifest.version)
    }

    /// The NDJSON answer: everything, or only what changed since `base`.
    pub fn ndjson(&self, base: Option<&[Object]>) -> anyhow::Result<String> {
        let mut head = serde_json::to_value(&self.manifest)?;
        head["mode"] = json!(if base.is_some() { "delta" } else { "full" });
        let mut out = head.to_string();
        out.push('\n');
        let mut line = |value: Value| {
            out.push_str(&value.to_string());
            out.push('\n');
        };
        match base {
            None => {
                for o in &self.objects {
                    line(json!({"kind": o.kind, "op": "upsert", "data": o.data}));
                }
            }
            Some(base) => {
                let old: HashMap<(&str, &str), &Value> = base
                    .iter()
                    .map(|o| ((o.kind.as_str(), o.id.as_str()), &o.data))
                    .collect();
                let new: HashSet<(&str, &str)> = self
                    .objects
                    .iter()
                    .map(|o| (o.kind.as_str(), o.id.as_str()))
                    .collect();
                for o in &self.objects {
                    if old.get(&(o.kind.as_str(), o.id.as_str())) != Some(&&o.data) {
                        line(json!({"kind": o.kind, "op": "upsert", "data": o.data}));
                    }
                }
                for o in base {
                    if !new.contains(&(o.kind.as_str(), o.id.as_str())) {
                        line(json!({"kind": o.kind, "op": "delete", "id": o.id}));
                    }
                }
            }
        }
        Ok(out)
    }
}
