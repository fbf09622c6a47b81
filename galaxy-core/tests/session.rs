//! `SessionLayer` with the encrypted cookie store and the in-memory store: values across
//! requests, cookie attributes, flash, regeneration, destruction, expiry, and bad cookies that
//! start a fresh session instead of failing.

use std::sync::{Arc, LazyLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use galaxy_core::TestResponse;
use galaxy_core::cookie::Key;
use galaxy_core::middleware::__session_codec::{SessionRecord, encode_cookie};
use galaxy_core::middleware::{MemorySessionStore, Session, SessionLayer};
use galaxy_core::prelude::*;

static KEY: LazyLock<Key> = LazyLock::new(Key::generate);
static SHARED: LazyLock<Arc<MemorySessionStore>> = LazyLock::new(Default::default);

fn key() -> Key {
    KEY.clone()
}

galaxy_core::app! {
    app = Site;
    chain cookie = [SessionLayer::new(key())];
    chain memory = [SessionLayer::memory()];
    chain short = [SessionLayer::memory().idle_timeout(Duration::from_secs(2))];
    chain plain = [SessionLayer::new(key()).secure(false)];
    chain shared = [SessionLayer::with_store(SHARED.clone())];
    routes {
        group "/c" via cookie {
            GET "/count" => count, public;
            GET "/peek" => peek, public;
            GET "/flash" => flash, public;
            GET "/show_flash" => show_flash, public;
            GET "/login" => login, public;
            GET "/logout" => logout, public;
            GET "/forget" => forget, public;
        }
        group "/m" via memory {
            GET "/count" => count, public;
            GET "/peek" => peek, public;
            GET "/flash" => flash, public;
            GET "/show_flash" => show_flash, public;
            GET "/login" => login, public;
            GET "/logout" => logout, public;
            GET "/forget" => forget, public;
        }
        group "/short" via short {
            GET "/count" => count, public;
            GET "/peek" => peek, public;
        }
        group "/plain" via plain {
            GET "/count" => count, public;
            GET "/peek" => peek, public;
        }
        group "/shared" via shared {
            GET "/count" => count, public;
            GET "/peek" => peek, public;
        }
    }
}

async fn count(session: Session) -> Result<String> {
    let n = session.get::<u32>("n").unwrap_or(0) + 1;
    session.insert("n", n)?;
    Ok(n.to_string())
}

async fn peek(session: Session) -> String {
    session
        .get::<u32>("n")
        .map_or_else(|| "none".to_owned(), |n| n.to_string())
}

async fn flash(session: Session) -> Result<&'static str> {
    session.flash("notice", "saved")?;
    Ok("flashed")
}

async fn show_flash(session: Session) -> String {
    session
        .take_flash::<String>("notice")
        .unwrap_or_else(|| "no notice".to_owned())
}

async fn login(session: Session) -> Result<&'static str> {
    session.regenerate();
    session.insert("user", "ada")?;
    Ok("logged in")
}

async fn logout(session: Session) -> &'static str {
    session.destroy();
    "logged out"
}

async fn forget(session: Session) -> String {
    format!("{:?}", session.remove("n"))
}

fn client() -> TestClient<Site> {
    TestClient::new(Site::new(()))
}

/// A client that sends back the cookies it was given, as a browser does.
fn browser() -> TestClient<Site> {
    client().save_cookies()
}

/// `GET path` and the body, from a client that keeps its cookies.
async fn text(browser: &TestClient<Site>, path: &str) -> String {
    browser.get(path).send().await.text()
}

/// The `name=value` pair of the response's session cookie.
fn session_cookie(res: &TestResponse) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("__Host-session=") || v.starts_with("session="))
        .map(|v| v.split(';').next().unwrap().to_owned())
}

fn set_cookie(res: &TestResponse) -> Option<&str> {
    res.header("set-cookie")
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn record(created: u64, seen: u64) -> SessionRecord {
    let mut data = serde_json::Map::new();
    data.insert("n".into(), 41.into());
    SessionRecord {
        id: "x".repeat(43),
        created,
        seen,
        data,
        flash: serde_json::Map::new(),
    }
}

fn crafted_cookie(record: &SessionRecord) -> String {
    format!(
        "__Host-session={}",
        encode_cookie(&key(), "__Host-session", record)
    )
}

#[tokio::test]
async fn values_persist_across_requests_in_an_encrypted_cookie() {
    let browser = browser();
    assert_eq!(text(&browser, "/c/count").await, "1");
    let cookie = browser.cookie("__Host-session").expect("a session cookie");
    assert!(
        !cookie.contains("\"n\""),
        "the cookie is encrypted: {cookie}"
    );
    assert_eq!(text(&browser, "/c/count").await, "2");
    assert_eq!(text(&browser, "/c/peek").await, "2");
}

#[tokio::test]
async fn values_persist_across_requests_in_memory() {
    let browser = browser();
    text(&browser, "/m/count").await;
    let id = browser.cookie("__Host-session").expect("a session cookie");
    assert_eq!(id.len(), 43, "only an id");
    assert_eq!(text(&browser, "/m/count").await, "2");
    assert_eq!(browser.cookie("__Host-session"), Some(id), "same id");
}

#[tokio::test]
async fn the_cookie_is_host_prefixed_secure_http_only_and_lax() {
    let res = client().get("/c/count").send().await;
    let header = set_cookie(&res).unwrap();
    assert!(header.starts_with("__Host-session="), "{header}");
    for attribute in [
        "HttpOnly",
        "SameSite=Lax",
        "Secure",
        "Path=/",
        "Max-Age=7200",
    ] {
        assert!(header.contains(attribute), "{attribute} missing: {header}");
    }
    assert!(!header.contains("Domain"), "{header}");
}

#[tokio::test]
async fn an_insecure_cookie_drops_the_host_prefix() {
    let res = client().get("/plain/count").send().await;
    let header = set_cookie(&res).unwrap();
    assert!(header.starts_with("session="), "{header}");
    assert!(!header.contains("Secure"), "{header}");
    let browser = browser();
    text(&browser, "/plain/count").await;
    assert!(browser.cookie("session").is_some());
    assert_eq!(text(&browser, "/plain/count").await, "2");
}

#[tokio::test]
async fn set_cookie_is_only_sent_when_the_session_changed() {
    let browser = browser();
    let res = browser.get("/c/peek").send().await;
    assert!(set_cookie(&res).is_none(), "an untouched new session");
    text(&browser, "/c/count").await;
    let res = browser.get("/c/peek").send().await;
    assert_eq!(res.text(), "1");
    assert!(
        set_cookie(&res).is_none(),
        "read only: {:?}",
        set_cookie(&res)
    );
}

#[tokio::test]
async fn an_idle_session_is_refreshed_before_it_expires() {
    let t = now();
    let cookie = crafted_cookie(&record(t - 3600, t - 1800));
    let res = client()
        .get("/c/peek")
        .header("cookie", cookie)
        .send()
        .await;
    assert_eq!(res.text(), "41");
    assert!(
        session_cookie(&res).is_some(),
        "pushed back after a tenth of the idle timeout"
    );
}

#[tokio::test]
async fn a_tampered_cookie_starts_a_fresh_session() {
    let client = client();
    let res = client.get("/c/count").send().await;
    let cookie = session_cookie(&res).unwrap();
    let mut bytes = cookie.into_bytes();
    let at = bytes.len() - 5;
    bytes[at] = if bytes[at] == b'A' { b'B' } else { b'A' };
    let tampered = String::from_utf8(bytes).unwrap();
    let res = client
        .get("/c/count")
        .header("cookie", tampered)
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "1", "a fresh session");
    assert!(session_cookie(&res).is_some());
}

#[tokio::test]
async fn garbage_cookies_start_a_fresh_session() {
    let client = client();
    for garbage in [
        "__Host-session=",
        "__Host-session=%%%",
        "__Host-session=bm90IGVuY3J5cHRlZA==",
        "__Host-session=\"quoted\"",
        "__Host-session=a; __Host-session=b",
    ] {
        for path in ["/c/count", "/m/count"] {
            let res = client.get(path).header("cookie", garbage).send().await;
            assert_eq!(res.status(), 200, "{garbage} on {path}");
            assert_eq!(res.text(), "1", "{garbage} on {path}");
        }
    }
    let long = format!("__Host-session={}", "A".repeat(10_000));
    let res = client.get("/c/count").header("cookie", long).send().await;
    assert_eq!(res.text(), "1");
}

#[tokio::test]
async fn a_cookie_from_another_key_starts_a_fresh_session() {
    let t = now();
    let value = encode_cookie(&Key::generate(), "__Host-session", &record(t, t));
    let res = client()
        .get("/c/count")
        .header("cookie", format!("__Host-session={value}"))
        .send()
        .await;
    assert_eq!(res.text(), "1");
}

#[tokio::test]
async fn an_idle_expired_cookie_starts_a_fresh_session() {
    let t = now();
    // Valid, authentic, but unused for 3 hours (idle timeout: 2).
    let cookie = crafted_cookie(&record(t - 4 * 3600, t - 3 * 3600));
    let res = client()
        .get("/c/count")
        .header("cookie", cookie)
        .send()
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.text(), "1");
}

#[tokio::test]
async fn an_absolutely_expired_cookie_starts_a_fresh_session() {
    let t = now();
    // Active a minute ago, but begun 13 hours ago (absolute timeout: 12).
    let cookie = crafted_cookie(&record(t - 13 * 3600, t - 60));
    let res = client()
        .get("/c/count")
        .header("cookie", cookie)
        .send()
        .await;
    assert_eq!(res.text(), "1");
    // The same record within both timeouts is accepted.
    let cookie = crafted_cookie(&record(t - 3600, t - 60));
    let res = client()
        .get("/c/count")
        .header("cookie", cookie)
        .send()
        .await;
    assert_eq!(res.text(), "42");
}

#[tokio::test]
async fn an_idle_session_expires_in_the_server_side_store() {
    let browser = browser();
    text(&browser, "/short/count").await;
    assert_eq!(text(&browser, "/short/count").await, "2");
    tokio::time::sleep(Duration::from_millis(3200)).await;
    assert_eq!(
        text(&browser, "/short/count").await,
        "1",
        "expired after 2 idle seconds"
    );
}

#[tokio::test]
async fn flash_values_live_for_the_next_request_only() {
    for prefix in ["/c", "/m"] {
        let browser = browser();
        text(&browser, &format!("{prefix}/flash")).await;
        let show = format!("{prefix}/show_flash");
        assert_eq!(text(&browser, &show).await, "saved", "{prefix}");
        assert_eq!(text(&browser, &show).await, "no notice", "{prefix}");
    }
}

#[tokio::test]
async fn regenerate_changes_the_id_keeps_the_values_and_kills_the_old_id() {
    let client = client();
    let res = client.get("/m/count").send().await;
    let before = session_cookie(&res).unwrap();
    let res = client
        .get("/m/login")
        .header("cookie", &before)
        .send()
        .await;
    let after = session_cookie(&res).unwrap();
    assert_ne!(before, after, "a new id");
    let res = client.get("/m/peek").header("cookie", &after).send().await;
    assert_eq!(res.text(), "1", "values kept");
    let res = client.get("/m/peek").header("cookie", &before).send().await;
    assert_eq!(res.text(), "none", "the old id names nothing any more");
}

#[tokio::test]
async fn regenerate_in_a_cookie_session_keeps_the_values() {
    let browser = browser();
    text(&browser, "/c/count").await;
    let before = browser.cookie("__Host-session");
    text(&browser, "/c/login").await;
    assert_ne!(browser.cookie("__Host-session"), before);
    assert_eq!(text(&browser, "/c/peek").await, "1");
}

#[tokio::test]
async fn destroy_removes_the_cookie_and_the_stored_session() {
    let client = client();
    let res = client.get("/m/count").send().await;
    let cookie = session_cookie(&res).unwrap();
    let res = client
        .get("/m/logout")
        .header("cookie", &cookie)
        .send()
        .await;
    let header = set_cookie(&res).expect("a removal cookie");
    assert!(header.starts_with("__Host-session=;"), "{header}");
    assert!(header.contains("Max-Age=0"), "{header}");
    let res = client.get("/m/peek").header("cookie", &cookie).send().await;
    assert_eq!(res.text(), "none", "the store forgot it");

    let res = client.get("/c/logout").send().await;
    assert!(set_cookie(&res).is_none(), "nothing to remove");
}

#[tokio::test]
async fn removing_a_value_is_saved() {
    let browser = browser();
    text(&browser, "/c/count").await;
    assert_eq!(text(&browser, "/c/forget").await, "Some(Number(1))");
    assert_eq!(text(&browser, "/c/peek").await, "none");
}

#[tokio::test]
async fn two_app_instances_sharing_a_store_see_one_session() {
    let (a, b) = (client(), client());
    let res = a.get("/shared/count").send().await;
    let cookie = session_cookie(&res).unwrap();
    let res = b
        .get("/shared/count")
        .header("cookie", &cookie)
        .send()
        .await;
    assert_eq!(res.text(), "2");
    let res = a.get("/shared/peek").header("cookie", &cookie).send().await;
    assert_eq!(res.text(), "2");
}
