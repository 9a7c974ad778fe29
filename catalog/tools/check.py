#!/usr/bin/env python3
"""Check a catalog bundle against the bundle format, version 1 (catalog-format.md).

    python3 catalog/tools/check.py [BUNDLE_DIR] [--stats]

Prints one line per problem (file, line, field, message) and nothing else when the bundle
is clean; exits 1 when there are problems. --stats also prints a summary to stderr.
Standard library only (Python 3.11+ for tomllib). This is a helper for editing the sample
catalog; the application's importer is the authority.
"""
import json
import os
import re
import struct
import sys
import tomllib
from datetime import datetime

ID64 = re.compile(r"^[a-z0-9-]{1,64}$")
SEG40 = re.compile(r"^[a-z0-9-]{1,40}$")
LANG = re.compile(r"^[a-z]{2,3}$")
HS = re.compile(r"^[0-9.]+$")
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")
HTML = re.compile(r"<\s*/?\s*[a-zA-Z!][^>]*>|&[a-zA-Z]+;|&#\d+;")
UNITS = {"kg", "g", "t", "l", "ml", "piece", "box", "pack", "bottle", "carton", "pallet", "m2"}
CERTS = {"organic", "halal", "kosher", "gi", "iso22000", "haccp", "gost", "eac", "ccc", "fairtrade"}
STORAGE = {"ambient", "chilled", "frozen"}
IMAGE_EXT = {".jpg", ".jpeg", ".png", ".webp"}
# ISO 4217 codes likely in trade with the SCO area (a catalog may use others: extend as needed)
CURRENCIES = set("CNY RUB USD EUR KZT KGS TJS UZS INR PKR IRR BYN MNT AZN AMD KHR TRY LKR NPR "
                 "AED SAR QAR KWD BHD EGP MMR MVR GBP JPY KRW HKD SGD CHF".split())
# ISO 3166-1 alpha-2
COUNTRIES = set("""AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM
BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW
GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA
LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ
NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW
SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR
TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW""".split())

PRODUCT_FIELDS = {"id", "exhibitor", "category", "country", "city", "name", "description", "keywords",
                  "hs_code", "unit", "moq", "price", "certifications", "storage", "shelf_life_days",
                  "images", "tags", "updated_at"}
EXHIBITOR_FIELDS = {"id", "name", "country", "city", "booth", "website", "description"}
IMAGE_MAX_BYTES = 80 * 1024 + 1024   # the sample catalog aims at about 80 KB per image

problems = []


def problem(where, msg):
    problems.append("%s: %s" % (where, msg))


def is_num(v):
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def check_text(where, v, max_len=None, min_len=1, plain=True):
    """Localised text: a non-empty map language -> string."""
    if not isinstance(v, dict) or not v:
        problem(where, "must be a non-empty map of language -> text")
        return set()
    for lang, s in v.items():
        if not LANG.match(lang):
            problem(where, "bad language key %r" % lang)
        if not isinstance(s, str):
            problem("%s.%s" % (where, lang), "must be a string")
            continue
        if len(s) < min_len or s.strip() == "":
            problem("%s.%s" % (where, lang), "empty text")
        if max_len and len(s) > max_len:
            problem("%s.%s" % (where, lang), "%d characters, at most %d" % (len(s), max_len))
        if s != s.strip():
            problem("%s.%s" % (where, lang), "leading or trailing whitespace")
        if plain and HTML.search(s):
            problem("%s.%s" % (where, lang), "looks like markup; text must be plain")
        if "lorem ipsum" in s.lower():
            problem("%s.%s" % (where, lang), "placeholder text")
    return set(v)


def check_time(where, v):
    if not isinstance(v, str) or not RFC3339.match(v):
        problem(where, "must be an RFC 3339 date-time, got %r" % (v,))
        return
    try:
        datetime.fromisoformat(v.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        problem(where, "not a valid date-time: %r" % v)


def load_toml(path, rel):
    try:
        with open(path, "rb") as f:
            data = f.read()
        if data.startswith(b"\xef\xbb\xbf"):
            problem(rel, "starts with a BOM (tolerated by the format, avoided in the sample)")
            data = data[3:]
        return tomllib.loads(data.decode("utf-8"))
    except FileNotFoundError:
        problem(rel, "missing")
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
        problem(rel, "cannot be parsed: %s" % e)
    return None


def load_jsonl(path, rel):
    rows = []
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        problem(rel, "missing")
        return rows
    if data.startswith(b"\xef\xbb\xbf"):
        problem(rel, "starts with a BOM (tolerated by the format, avoided in the sample)")
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        problem(rel, "not UTF-8: %s" % e)
        return rows
    for n, line in enumerate(text.split("\n"), 1):
        line = line.rstrip("\r")
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError as e:
            problem("%s:%d" % (rel, n), "invalid JSON: %s" % e)
            continue
        if not isinstance(obj, dict):
            problem("%s:%d" % (rel, n), "must be a JSON object")
            continue
        rows.append((n, obj))
    return rows


def image_size(path):
    """(format, width, height) of a JPEG/PNG/WebP file, or None."""
    with open(path, "rb") as f:
        head = f.read(32)
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            w, h = struct.unpack(">II", head[16:24])
            return "png", w, h
        if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
            return "webp", 0, 0
        if not head.startswith(b"\xff\xd8"):
            return None
        f.seek(2)
        while True:
            b = f.read(1)
            while b and b != b"\xff":
                b = f.read(1)
            while b == b"\xff":
                b = f.read(1)
            if not b:
                return None
            marker = b[0]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                continue
            seg = f.read(2)
            if len(seg) < 2:
                return None
            length = struct.unpack(">H", seg)[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                data = f.read(5)
                h, w = struct.unpack(">HH", data[1:5])
                return "jpeg", w, h
            f.seek(length - 2, 1)


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    stats = "--stats" in argv
    root = args[0] if args else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    root = os.path.abspath(root)
    rp = lambda name: os.path.join(root, name)

    # ------------------------------------------------------------ catalog.toml
    cat = load_toml(rp("catalog.toml"), "catalog.toml")
    if cat is not None:
        w = "catalog.toml"
        if type(cat.get("format")) is not int or cat.get("format") != 1:
            problem(w + " format", "must be the integer 1")
        if not isinstance(cat.get("id"), str) or not ID64.match(cat.get("id", "")):
            problem(w + " id", "must match [a-z0-9-]{1,64}")
        if not isinstance(cat.get("version"), str) or not cat.get("version"):
            problem(w + " version", "required string")
        if "title" not in cat:
            problem(w + " title", "required")
        else:
            check_text(w + " title", cat["title"], 200)
        cur = cat.get("default_currency")
        if not isinstance(cur, str) or not re.match(r"^[A-Z]{3}$", cur) or cur not in CURRENCIES:
            problem(w + " default_currency", "must be an ISO 4217 code, got %r" % (cur,))
        check_time(w + " published_at", cat.get("published_at"))

    # ------------------------------------------------------------ categories.toml
    cats = {}
    data = load_toml(rp("categories.toml"), "categories.toml")
    if data is not None:
        for i, c in enumerate(data.get("category", [])):
            w = "categories.toml category[%d]" % i
            cid = c.get("id")
            if not isinstance(cid, str) or not all(SEG40.match(s) for s in cid.split("/")):
                problem(w + " id", "each '/'-separated part must match [a-z0-9-]{1,40}, got %r" % (cid,))
                continue
            w = "categories.toml %s" % cid
            if cid in cats:
                problem(w, "duplicate id")
            cats[cid] = c
            if "name" not in c:
                problem(w + " name", "required")
            else:
                check_text(w + " name", c["name"], 200)
        for cid in cats:
            if "/" in cid and cid.rsplit("/", 1)[0] not in cats:
                problem("categories.toml %s" % cid, "parent %r does not exist" % cid.rsplit("/", 1)[0])
        if not cats:
            problem("categories.toml", "no categories")

    # ------------------------------------------------------------ hall.toml (optional)
    booths = {}
    halls = {}
    if os.path.exists(rp("hall.toml")):
        data = load_toml(rp("hall.toml"), "hall.toml") or {}
        for h in data.get("hall", []):
            hid = h.get("id")
            w = "hall.toml hall %s" % hid
            if not isinstance(hid, str) or not ID64.match(hid.lower()):
                problem(w, "bad hall id")
                continue
            if hid in halls:
                problem(w, "duplicate hall id")
            halls[hid] = h
            check_text(w + " name", h.get("name"), 200)
            for k in ("width", "height"):
                if not is_num(h.get(k)) or h.get(k) <= 0:
                    problem(w + " " + k, "must be a positive number of metres")
        for b in data.get("booth", []):
            bid = b.get("id")
            w = "hall.toml booth %s" % bid
            if not isinstance(bid, str) or not bid:
                problem(w, "bad booth id")
                continue
            if bid in booths:
                problem(w, "duplicate booth id")
            booths[bid] = b
            if b.get("hall") not in halls:
                problem(w + " hall", "unknown hall %r" % (b.get("hall"),))
                continue
            if not all(is_num(b.get(k)) for k in ("x", "y", "w", "h")):
                problem(w, "x, y, w, h must be numbers")
                continue
            H = halls[b["hall"]]
            if b["w"] <= 0 or b["h"] <= 0:
                problem(w, "w and h must be positive")
            if b["x"] < 0 or b["y"] < 0 or b["x"] + b["w"] > H.get("width", 0) or b["y"] + b["h"] > H.get("height", 0):
                problem(w, "lies outside hall %s" % b["hall"])
        for z in data.get("zone", []):
            w = "hall.toml zone %s" % z.get("id")
            if z.get("hall") not in halls:
                problem(w + " hall", "unknown hall")
            elif all(is_num(z.get(k)) for k in ("x", "y", "w", "h")):
                H = halls[z["hall"]]
                if z["x"] < 0 or z["y"] < 0 or z["x"] + z["w"] > H["width"] or z["y"] + z["h"] > H["height"]:
                    problem(w, "lies outside its hall")
        bl = [b for b in booths.values() if b.get("hall") in halls and all(is_num(b.get(k)) for k in "xywh")]
        for i in range(len(bl)):
            for j in range(i + 1, len(bl)):
                a, c = bl[i], bl[j]
                if a["hall"] != c["hall"]:
                    continue
                if a["x"] < c["x"] + c["w"] and c["x"] < a["x"] + a["w"] and a["y"] < c["y"] + c["h"] and c["y"] < a["y"] + a["h"]:
                    problem("hall.toml booth %s" % a["id"], "overlaps booth %s" % c["id"])

    # ------------------------------------------------------------ exhibitors.jsonl
    exhibitors = {}
    used_booths = {}
    for n, e in load_jsonl(rp("exhibitors.jsonl"), "exhibitors.jsonl"):
        w = "exhibitors.jsonl:%d" % n
        eid = e.get("id")
        if not isinstance(eid, str) or not ID64.match(eid):
            problem(w + " id", "must match [a-z0-9-]{1,64}, got %r" % (eid,))
            continue
        if eid in exhibitors:
            problem(w + " id", "duplicate %r" % eid)
        exhibitors[eid] = e
        for k in e:
            if k not in EXHIBITOR_FIELDS:
                problem(w + " " + k, "field not in format v1 (typo?)")
        if "name" not in e:
            problem(w + " name", "required")
        else:
            check_text(w + " name", e["name"], 200)
        if e.get("country") not in COUNTRIES:
            problem(w + " country", "must be an ISO 3166-1 alpha-2 code, got %r" % (e.get("country"),))
        if "city" in e:
            check_text(w + " city", e["city"], 200)
        if "description" in e:
            check_text(w + " description", e["description"], 5000)
        if "website" in e:
            site = e["website"]
            if not isinstance(site, str) or not re.match(r"^https?://[^\s/]+", site):
                problem(w + " website", "must be an http(s) URL")
            elif not re.match(r"^https?://([a-z0-9-]+\.)*example\.(com|org|net)(/|$)", site):
                problem(w + " website", "the sample catalog uses example.com/.org/.net only")
        if "booth" in e and e["booth"] is not None:
            if not isinstance(e["booth"], str):
                problem(w + " booth", "must be a string")
            elif booths and e["booth"] not in booths:
                problem(w + " booth", "booth %r not in hall.toml" % e["booth"])
            elif e["booth"] in used_booths:
                problem(w + " booth", "booth %r also given to %s" % (e["booth"], used_booths[e["booth"]]))
            else:
                used_booths[e["booth"]] = eid

    # ------------------------------------------------------------ products.jsonl
    products = {}
    referenced_images = set()
    few_langs = []
    per_ex = {}
    countries = set()
    tags = {}
    rows = load_jsonl(rp("products.jsonl"), "products.jsonl")
    if not rows:
        problem("products.jsonl", "no products")
    for n, p in rows:
        w = "products.jsonl:%d" % n
        pid = p.get("id")
        if not isinstance(pid, str) or not ID64.match(pid):
            problem(w + " id", "must match [a-z0-9-]{1,64}, got %r" % (pid,))
        else:
            w = "products.jsonl:%d (%s)" % (n, pid)
            if pid in products:
                problem(w + " id", "duplicate")
            products[pid] = p
        for k in p:
            if k not in PRODUCT_FIELDS:
                problem(w + " " + k, "field not in format v1 (typo?)")
        ex = p.get("exhibitor")
        if ex not in exhibitors:
            problem(w + " exhibitor", "unknown exhibitor %r" % (ex,))
        else:
            per_ex[ex] = per_ex.get(ex, 0) + 1
            if p.get("country") != exhibitors[ex].get("country"):
                problem(w + " country", "%r differs from the exhibitor's %r" % (p.get("country"), exhibitors[ex].get("country")))
        if p.get("category") not in cats:
            problem(w + " category", "unknown category %r" % (p.get("category"),))
        if p.get("country") not in COUNTRIES:
            problem(w + " country", "must be an ISO 3166-1 alpha-2 code, got %r" % (p.get("country"),))
        countries.add(p.get("country"))
        if "city" in p:
            check_text(w + " city", p["city"], 200)
        langs = set()
        if "name" not in p:
            problem(w + " name", "required")
        else:
            langs = check_text(w + " name", p["name"], 200)
        if "description" in p:
            dl = check_text(w + " description", p["description"], 5000)
            if dl and dl != langs:
                problem(w + " description", "languages %s differ from the name's %s" % (sorted(dl), sorted(langs)))
        if len(langs & {"zh", "ru", "en"}) < 3:
            few_langs.append(pid)
        if "keywords" in p:
            kw = p["keywords"]
            if not isinstance(kw, dict):
                problem(w + " keywords", "must be a map language -> list of strings")
            else:
                for lang, lst in kw.items():
                    if not LANG.match(lang):
                        problem(w + " keywords", "bad language key %r" % lang)
                    if not isinstance(lst, list) or not all(isinstance(s, str) and s.strip() for s in lst):
                        problem(w + " keywords." + lang, "must be a list of non-empty strings")
                    elif len(set(s.lower() for s in lst)) != len(lst):
                        problem(w + " keywords." + lang, "duplicate keyword")
                    elif any(s != s.strip() for s in lst):
                        problem(w + " keywords." + lang, "keyword with surrounding whitespace")
        if "hs_code" in p:
            hs = p["hs_code"]
            digits = re.sub(r"\.", "", hs) if isinstance(hs, str) else ""
            if not isinstance(hs, str) or not HS.match(hs) or not 4 <= len(digits) <= 10 or hs.startswith(".") or hs.endswith("."):
                problem(w + " hs_code", "digits with optional dots, 4 to 10 digits, got %r" % (hs,))
        if p.get("unit") not in UNITS:
            problem(w + " unit", "must be one of %s, got %r" % (", ".join(sorted(UNITS)), p.get("unit")))
        if "moq" in p and (not is_num(p["moq"]) or p["moq"] <= 0):
            problem(w + " moq", "must be a positive number")
        if "price" in p:
            pr = p["price"]
            if not isinstance(pr, dict):
                problem(w + " price", "must be an object")
            else:
                if pr.get("currency") not in CURRENCIES:
                    problem(w + " price.currency", "must be an ISO 4217 code, got %r" % (pr.get("currency"),))
                tiers = pr.get("tiers")
                if not isinstance(tiers, list) or not tiers:
                    problem(w + " price.tiers", "must be a non-empty list")
                else:
                    last_q = last_p = None
                    for i, t in enumerate(tiers):
                        tw = "%s price.tiers[%d]" % (w, i)
                        if not isinstance(t, dict) or not is_num(t.get("min_qty")) or not is_num(t.get("unit_price")):
                            problem(tw, "needs numeric min_qty and unit_price")
                            continue
                        if t["min_qty"] <= 0:
                            problem(tw + " min_qty", "must be positive")
                        if t["unit_price"] <= 0:
                            problem(tw + " unit_price", "must be > 0")
                        if last_q is not None and t["min_qty"] <= last_q:
                            problem(tw + " min_qty", "tiers must be in ascending min_qty")
                        if last_p is not None and t["unit_price"] > last_p:
                            problem(tw + " unit_price", "price rises with quantity (intended?)")
                        last_q, last_p = t["min_qty"], t["unit_price"]
                    if "moq" in p and is_num(p["moq"]) and is_num(tiers[0].get("min_qty")) and tiers[0]["min_qty"] != p["moq"]:
                        problem(w + " price.tiers[0]", "first tier %s differs from moq %s" % (tiers[0]["min_qty"], p["moq"]))
        if "certifications" in p:
            c = p["certifications"]
            if not isinstance(c, list) or any(x not in CERTS for x in c):
                problem(w + " certifications", "allowed: %s; got %r" % (", ".join(sorted(CERTS)), c))
            elif len(set(c)) != len(c):
                problem(w + " certifications", "duplicates")
        if "storage" in p and p["storage"] not in STORAGE:
            problem(w + " storage", "must be ambient, chilled or frozen")
        if "shelf_life_days" in p and (type(p["shelf_life_days"]) is not int or p["shelf_life_days"] <= 0):
            problem(w + " shelf_life_days", "must be a positive integer")
        if "tags" in p:
            if not isinstance(p["tags"], list) or not all(isinstance(t, str) and t for t in p["tags"]):
                problem(w + " tags", "must be a list of strings")
            else:
                for t in p["tags"]:
                    tags[t] = tags.get(t, 0) + 1
        if "updated_at" in p:
            check_time(w + " updated_at", p["updated_at"])
        imgs = p.get("images", [])
        if not isinstance(imgs, list):
            problem(w + " images", "must be a list")
            imgs = []
        if not imgs:
            problem(w + " images", "the sample catalog gives every product a picture")
        for im in imgs:
            iw = "%s images %r" % (w, im)
            if not isinstance(im, str) or not im.startswith("images/") or ".." in im.split("/") or "\\" in im or im.startswith("/"):
                problem(iw, "must be a relative path under images/")
                continue
            referenced_images.add(im)
            if os.path.splitext(im)[1].lower() not in IMAGE_EXT:
                problem(iw, "must be JPEG, PNG or WebP")
            full = rp(im)
            if os.path.islink(full) or not os.path.isfile(full):
                problem(iw, "file missing (or a symbolic link)")
                continue
            info = image_size(full)
            if info is None:
                problem(iw, "not a JPEG, PNG or WebP file")
                continue
            size = os.path.getsize(full)
            if size > IMAGE_MAX_BYTES:
                problem(iw, "%d bytes, the sample aims at <= 80 KB" % size)
            fmt, iw_, ih_ = info
            if fmt == "jpeg" and not (600 <= iw_ <= 1200 and 450 <= ih_ <= 1200):
                problem(iw, "unexpected size %dx%d (about 800x800 or 800x600 expected)" % (iw_, ih_))

    # images on disk that nobody references
    imgdir = rp("images")
    if os.path.isdir(imgdir):
        for f in sorted(os.listdir(imgdir)):
            if "images/" + f not in referenced_images:
                problem("images/" + f, "not referenced by any product")

    for eid in exhibitors:
        if eid not in per_ex:
            problem("exhibitors.jsonl %s" % eid, "has no products")

    for line in problems:
        print(line)
    if stats:
        print("products %d, exhibitors %d, countries %d (%s), categories %d, booths %d, images %d, "
              "products with <3 of zh/ru/en %d, tags %s" % (
                  len(products), len(exhibitors), len(countries), " ".join(sorted(c for c in countries if c)),
                  len(cats), len(booths), len(referenced_images), len(few_langs), tags), file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
