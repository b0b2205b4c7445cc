//! The browser harness: Debian's Chromium, headless at phone width, driven
//! over WebDriver by chromedriver, which the harness starts on a free port.
//!
//! Every page a journey visits is checked with axe-core (installed from the
//! npm registry into `tests/browser/node_modules` on first use, so Node.js
//! and npm are needed): no serious or critical violation passes. Nobody has
//! to remember to ask: the harness checks the page whenever it has waited
//! for one (after `goto` and `wait_for_text`, before `click` and `fill` act
//! on it, and before `close`), once per address and markup.
//!
//! When a journey fails anywhere (a check, a step that panics, an assert in
//! the journey itself), the page's screenshot and source are saved under
//! `target/browser-failures/<journey>.{png,html}` as the browser is dropped.
//!
//! Without a browser the journeys skip with a loud message, unless
//! `COURTYARD_REQUIRE_BROWSER=1` (as CI sets it), which makes that a failure.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use base64::Engine;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// Phone first: the width of a small phone.
pub const PHONE: (u32, u32) = (360, 780);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Where a failed journey's screenshot and page source go.
pub fn failures() -> PathBuf {
    workspace().join("target/browser-failures")
}

fn program(variable: &str, default: &str) -> Option<PathBuf> {
    let path = std::env::var_os(variable).map_or_else(|| PathBuf::from(default), PathBuf::from);
    path.exists().then_some(path)
}

/// axe-core's script, installed once per test run from the lock file.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let folder = workspace().join("tests/browser");
        let script = folder.join("node_modules/axe-core/axe.min.js");
        if !script.exists() {
            let installed = Command::new("npm")
                .args(["ci", "--no-audit", "--no-fund", "--prefix"])
                .arg(&folder)
                .status()
                .unwrap_or_else(|err| {
                    panic!("npm cannot run ({err}): the browser tests need Node.js and npm to install axe-core")
                });
            assert!(installed.success(), "npm ci in tests/browser failed");
        }
        std::fs::read_to_string(&script).expect("axe-core is installed")
    })
}

/// A headless Chromium session and the chromedriver serving it.
pub struct Browser {
    pub client: Client,
    driver: Child,
    /// chromedriver's port and the WebDriver session, for what `Drop` does
    /// without the async client.
    port: u16,
    session: Option<String>,
    /// Names the saved artefacts of a failure.
    journey: String,
    /// Whether pages may run scripts (timers never fire when not).
    scripts: bool,
    /// The pages checked already, by address and markup.
    checked: Mutex<HashSet<u64>>,
    /// A place among the browsers that run at once, given back last.
    _turn: tokio::sync::SemaphorePermit<'static>,
}

/// How many journeys drive a browser at once: more only make each start
/// slowly on a two-core machine, until chromedriver misses its deadlines.
static BROWSERS_AT_ONCE: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

impl Browser {
    /// A browser for `journey`, or `None` (after saying so, loudly) when
    /// this machine has none and CI did not ask for one.
    pub async fn start(journey: &str) -> Option<Browser> {
        Browser::start_with(journey, true).await
    }

    /// The same with JavaScript switched off in the browser's pages (the
    /// harness's own scripts, such as axe-core, still run).
    pub async fn start_without_scripts(journey: &str) -> Option<Browser> {
        Browser::start_with(journey, false).await
    }

    async fn start_with(journey: &str, scripts: bool) -> Option<Browser> {
        let required = std::env::var("COURTYARD_REQUIRE_BROWSER").is_ok_and(|value| value == "1");
        let (Some(chromium), Some(chromedriver)) =
            (program("CHROME", "/usr/bin/chromium"), program("CHROMEDRIVER", "/usr/bin/chromedriver"))
        else {
            assert!(!required, "COURTYARD_REQUIRE_BROWSER=1 but chromium or chromedriver is missing");
            eprintln!(
                "\n*** SKIPPED browser journey `{journey}`: no /usr/bin/chromium or /usr/bin/chromedriver \
                 (apt-get install chromium chromium-driver nodejs npm) ***\n"
            );
            return None;
        };
        let turn = BROWSERS_AT_ONCE.acquire().await.expect("the browsers' semaphore is never closed");
        let port = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let driver = Command::new(chromedriver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("chromedriver starts");
        let url = format!("http://127.0.0.1:{port}");
        wait_until_listening(port).await;
        let mut args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--no-first-run".to_owned(),
            "--lang=en-GB".to_owned(),
            format!("--window-size={},{}", PHONE.0, PHONE.1),
            // Every name below localhost is this machine (app origins too).
            "--host-resolver-rules=MAP localhost 127.0.0.1, MAP *.localhost 127.0.0.1".to_owned(),
        ];
        if !scripts {
            args.push("--blink-settings=scriptEnabled=false".to_owned());
        }
        // A phone's viewport, whatever the smallest window headless allows.
        let phone =
            json!({ "deviceMetrics": { "width": PHONE.0, "height": PHONE.1, "pixelRatio": 2, "touch": false } });
        let mut options = json!({ "binary": chromium, "args": args, "mobileEmulation": phone });
        if !scripts {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".to_owned(), options);
        // chromedriver speaks plain HTTP on loopback: no TLS needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector).capabilities(capabilities).connect(&url).await;
        let client = client.unwrap_or_else(|err| panic!("a WebDriver session in Chromium: {err}"));
        let timeouts = fantoccini::wd::TimeoutConfiguration::new(
            Some(Duration::from_secs(10)),
            Some(Duration::from_secs(30)),
            Some(Duration::from_secs(0)),
        );
        client.update_timeouts(timeouts).await.expect("timeouts");
        let session = client.session_id().await.expect("the WebDriver session's id");
        let journey = journey.to_owned();
        Some(Browser {
            client,
            driver,
            port,
            session,
            journey,
            scripts,
            checked: Mutex::new(HashSet::new()),
            _turn: turn,
        })
    }

    /// Opens `url` and checks the page it leads to.
    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|err| panic!("open {url}: {err}"));
        self.check_page().await;
    }

    /// The address the browser is at now.
    pub async fn url(&self) -> String {
        self.client.current_url().await.expect("current url").to_string()
    }

    /// The page's visible text (empty while a page is being replaced).
    pub async fn text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Waits (up to 10 s) until the page's text holds `needle`, then checks
    /// the page.
    pub async fn wait_for_text(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if self.text().await.contains(needle) {
                break;
            }
            if Instant::now() > deadline {
                match self.fail(&format!("the page never showed `{needle}`")).await {}
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.check_page().await;
    }

    /// Types `text` into the field `css` (of a page checked first).
    pub async fn fill(&self, css: &str, text: &str) {
        self.check_page().await;
        let field = self.find(css).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Clicks `css` (and lets the page that follows load), on a page
    /// checked first.
    pub async fn click(&self, css: &str) {
        self.check_page().await;
        self.find(css).await.click().await.unwrap_or_else(|err| panic!("click {css}: {err}"));
    }

    /// Clicks the link or button whose text is `label`, on a page checked
    /// first.
    pub async fn click_text(&self, label: &str) {
        self.check_page().await;
        let xpath = format!("//a[normalize-space(.)='{label}'] | //button[normalize-space(.)='{label}']");
        match self.client.find(Locator::XPath(&xpath)).await {
            Ok(element) => element.click().await.expect("click"),
            Err(_) => match self.fail(&format!("no link or button `{label}`")).await {},
        }
    }

    pub async fn find(&self, css: &str) -> fantoccini::elements::Element {
        match self.client.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(_) => match self.fail(&format!("no element `{css}`")).await {},
        }
    }

    /// Runs axe-core on the page now, unless this address with this markup
    /// was checked already: no serious or critical violation. Pages that
    /// are not the web's (`data:`, `about:`) are the harness's own.
    ///
    /// A third-party app's page (on its `*.apps.localhost` origin) runs in a
    /// sandbox without scripts, where axe cannot run either. Its markup, as
    /// served, is checked in a tab of its own instead.
    async fn check_page(&self) {
        let at = self.url().await;
        if !at.starts_with("http://") && !at.starts_with("https://") {
            return;
        }
        let source = self.client.source().await.expect("the page's source");
        let mut hasher = DefaultHasher::new();
        (&at, &source).hash(&mut hasher);
        if !self.checked.lock().unwrap().insert(hasher.finish()) {
            return;
        }
        let serious = if at.contains(".apps.localhost") {
            self.markup_violations(&at, &source).await
        } else {
            self.serious_violations().await
        };
        if !serious.is_empty() {
            let found = serde_json::to_string_pretty(&serious).unwrap();
            match self.fail(&format!("axe-core found: {found}")).await {}
        }
    }

    /// What axe-core finds in `source` (served at `at`), in a blank tab.
    async fn markup_violations(&self, at: &str, source: &str) -> Vec<Value> {
        let served = source.replacen("<head>", &format!("<head><base href=\"{at}\">"), 1);
        let page = self.client.window().await.expect("the page's window");
        let tab = self.client.new_window(true).await.expect("a blank tab").handle;
        self.client.switch_to_window(tab).await.expect("into the blank tab");
        self.client
            .execute("document.open(); document.write(arguments[0]); document.close();", vec![served.into()])
            .await
            .expect("the markup in a blank tab");
        let found = self.serious_violations().await;
        self.client.close_window().await.expect("the blank tab closes");
        self.client.switch_to_window(page).await.expect("back to the page");
        found
    }

    /// What axe-core finds on the page now that is serious or critical.
    pub async fn serious_violations(&self) -> Vec<Value> {
        let loaded = self.client.execute("return typeof window.axe === 'object';", Vec::new()).await;
        if loaded.ok().and_then(|loaded| loaded.as_bool()) != Some(true) {
            let script = format!("{}\nif (typeof axe !== 'undefined') {{ window.axe = axe; }}", axe_source());
            self.client.execute(&script, Vec::new()).await.expect("axe-core loads in the page");
        }
        if !self.scripts {
            // With scripts off a page's timers never fire, and axe-core
            // waits on some: here they run as soon as the script yields.
            let timers = "window.setTimeout = function (run, ms) {\
                 const rest = Array.prototype.slice.call(arguments, 2);\
                 Promise.resolve().then(function () { run.apply(null, rest); }); return 0; };\
                 window.clearTimeout = function () {};";
            self.client.execute(timers, Vec::new()).await.expect("timers for axe-core");
        }
        let script = "const done = arguments[arguments.length - 1];\
             window.axe.run(document, { resultTypes: ['violations'] }).then(r => done(r.violations.map(v => \
             ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }))))\
             .catch(e => done([{ id: 'axe-failed', impact: 'critical', help: String(e), nodes: [] }]));";
        let violations = self.client.execute_async(script, Vec::new()).await.expect("axe runs in the page");
        violations
            .as_array()
            .expect("a list of violations")
            .iter()
            .filter(|violation| matches!(violation["impact"].as_str(), Some("serious" | "critical")))
            .cloned()
            .collect()
    }

    /// Saves a screenshot of the page to `path`.
    pub async fn screenshot(&self, path: &Path) {
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, png).unwrap();
    }

    /// Fails the journey, saying where and why (the page is saved as the
    /// browser is dropped).
    pub async fn fail(&self, why: &str) -> std::convert::Infallible {
        let at = self.url().await;
        panic!("journey `{}` at {at}: {why}", self.journey);
    }

    /// Checks the last page, then ends the session.
    pub async fn close(mut self) {
        self.check_page().await;
        let _ = self.client.clone().close().await;
        self.session = None;
    }

    /// Saves the page's screenshot and source. This runs while a journey
    /// panics, inside the runtime the async client needs: so it speaks to
    /// chromedriver over a plain blocking connection.
    fn keep_what_was_seen(&self) {
        let Some(session) = &self.session else { return };
        let folder = failures();
        let _ = std::fs::create_dir_all(&folder);
        let stem = folder.join(&self.journey);
        let screenshot = webdriver_get(self.port, &format!("/session/{session}/screenshot"));
        if let Some(png) = screenshot
            .as_ref()
            .and_then(Value::as_str)
            .and_then(|png| base64::prelude::BASE64_STANDARD.decode(png).ok())
        {
            let _ = std::fs::write(stem.with_extension("png"), png);
        }
        let source = webdriver_get(self.port, &format!("/session/{session}/source"));
        let _ =
            std::fs::write(stem.with_extension("html"), source.as_ref().and_then(Value::as_str).unwrap_or_default());
        eprintln!("journey `{}` failed: its screenshot and page source are in {}", self.journey, folder.display());
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.keep_what_was_seen();
        }
        if let Some(session) = self.session.take() {
            let _ = webdriver_call(self.port, "DELETE", &format!("/session/{session}"));
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

fn webdriver_get(port: u16, path: &str) -> Option<Value> {
    webdriver_call(port, "GET", path)
}

/// One WebDriver command without a body, over a blocking connection; the
/// answer's `value`. (chromedriver keeps the connection open whatever the
/// request says: the answer ends where its length says.)
fn webdriver_call(port: u16, method: &str, path: &str) -> Option<Value> {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream.set_read_timeout(Some(Duration::from_secs(20))).ok()?;
    let request =
        format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut answer = Vec::new();
    let mut buffer = [0u8; 64 * 1024];
    loop {
        let read = stream.read(&mut buffer).ok()?;
        answer.extend_from_slice(&buffer[..read]);
        if let Some(body) = complete_body(&answer) {
            let mut value: Value = serde_json::from_slice(&body).ok()?;
            return Some(value["value"].take());
        }
        if read == 0 {
            return None;
        }
    }
}

/// The body of an HTTP answer once all of it has arrived.
fn complete_body(answer: &[u8]) -> Option<Vec<u8>> {
    let split = answer.windows(4).position(|window| window == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(&answer[..split]).to_ascii_lowercase();
    let body = &answer[split + 4..];
    let header = |name: &str| {
        head.lines()
            .find_map(|line| line.strip_prefix(name).map(|value| value.trim_start_matches(':').trim().to_owned()))
    };
    if header("transfer-encoding").is_some_and(|coding| coding.contains("chunked")) {
        return unchunk(body);
    }
    let length: usize = header("content-length")?.parse().ok()?;
    body.get(..length).map(<[u8]>::to_vec)
}

/// The body of a chunked HTTP answer, once its last chunk has arrived.
fn unchunk(mut rest: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = rest.windows(2).position(|window| window == b"\r\n")?;
        let size = std::str::from_utf8(&rest[..line_end]).ok()?.split(';').next()?.trim().to_owned();
        let size = usize::from_str_radix(&size, 16).ok()?;
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(rest.get(line_end + 2..line_end + 2 + size)?);
        rest = rest.get(line_end + 4 + size..)?;
    }
}

async fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start listening on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// `path` on the platform of `node`, as a browser reaches it: at
/// `localhost` (app origins are its subdomains).
pub fn platform(node: &super::Node, path: &str) -> String {
    format!("http://localhost:{}{path}", node.base.rsplit(':').next().unwrap())
}

/// Signs in as `email` from the bare host name, in a browser without a
/// session (its cookies deleted).
pub async fn sign_in_as(browser: &Browser, node: &super::Node, email: &str) {
    browser.client.delete_all_cookies().await.expect("sign out");
    browser.goto(&platform(node, "/")).await;
    browser.fill("#email", email).await;
    browser.fill("#password", super::PASSWORD).await;
    browser.click("form[action='/account/signin'] button").await;
    browser.wait_for_text("Courtyard").await;
}
