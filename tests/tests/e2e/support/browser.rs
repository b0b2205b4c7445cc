//! The browser harness: Debian's Chromium, headless at phone width, driven
//! over WebDriver by chromedriver, which the harness starts on a free port.
//!
//! Every page a journey visits is checked with axe-core (installed from the
//! npm registry into `tests/browser/node_modules` on first use): no serious
//! or critical violation passes. When a check fails, the page's screenshot
//! and source are saved under `target/browser-failures/`.
//!
//! Without a browser the journeys skip with a loud message, unless
//! `COURTYARD_REQUIRE_BROWSER=1` (as CI sets it), which makes that a failure.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

/// Phone first: the width of a small phone.
pub const PHONE: (u32, u32) = (360, 780);

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
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
                .expect("npm runs (Node.js is needed to install axe-core)");
            assert!(installed.success(), "npm ci in tests/browser failed");
        }
        std::fs::read_to_string(&script).expect("axe-core is installed")
    })
}

/// A headless Chromium session and the chromedriver serving it.
pub struct Browser {
    pub client: Client,
    driver: Child,
    /// Names the saved artefacts of a failure.
    journey: String,
}

impl Browser {
    /// A browser for `journey`, or `None` (after saying so, loudly) when
    /// this machine has none and CI did not ask for one.
    pub async fn start(journey: &str) -> Option<Browser> {
        Browser::start_with(journey, true).await
    }

    /// The same with JavaScript switched off in the browser.
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
                 (apt-get install chromium chromium-driver) ***\n"
            );
            return None;
        };
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
        Some(Browser { client, driver, journey: journey.to_owned() })
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap_or_else(|err| panic!("open {url}: {err}"));
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

    /// Waits (up to 10 s) until the page's text holds `needle`.
    pub async fn wait_for_text(&self, needle: &str) {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if self.text().await.contains(needle) {
                return;
            }
            if Instant::now() > deadline {
                match self.fail(&format!("the page never showed `{needle}`")).await {}
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// Types `text` into the field `css`.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.expect("clear");
        field.send_keys(text).await.expect("type");
    }

    /// Clicks `css` (and lets the page that follows load).
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|err| panic!("click {css}: {err}"));
    }

    /// Clicks the link or button whose text is `label`.
    pub async fn click_text(&self, label: &str) {
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

    /// Whether an element `css` is on the page now.
    pub async fn has(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Runs axe-core on the page: no serious or critical violation.
    ///
    /// A third-party app's page (on its `*.apps.localhost` origin) runs in a
    /// sandbox without scripts, where axe cannot run either. Its markup, as
    /// served, is checked in a blank page instead, and the page reloaded.
    pub async fn check_accessibility(&self, page: &str) {
        let at = self.url().await;
        if !at.contains(".apps.localhost") {
            self.run_axe(page).await;
            return;
        }
        let source = self.client.source().await.expect("the page's source");
        let served = source.replacen("<head>", &format!("<head><base href=\"{at}\">"), 1);
        self.goto("about:blank").await;
        self.client
            .execute("document.open(); document.write(arguments[0]); document.close();", vec![served.into()])
            .await
            .expect("the markup in a blank page");
        self.run_axe(page).await;
        self.goto(&at).await;
    }

    async fn run_axe(&self, page: &str) {
        let serious = self.serious_violations().await;
        if !serious.is_empty() {
            let found = serde_json::to_string_pretty(&serious).unwrap();
            match self.fail(&format!("axe-core found on {page}: {found}")).await {}
        }
    }

    /// What axe-core finds on the page now that is serious or critical.
    pub async fn serious_violations(&self) -> Vec<Value> {
        let script = format!(
            "{}\nconst done = arguments[arguments.length - 1];\
             axe.run(document, {{ resultTypes: ['violations'] }}).then(r => done(r.violations.map(v => \
             ({{ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5) }}))))\
             .catch(e => done([{{ id: 'axe-failed', impact: 'critical', help: String(e), nodes: [] }}]));",
            axe_source()
        );
        let violations = self.client.execute_async(&script, Vec::new()).await.expect("axe runs in the page");
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

    /// Saves the page's screenshot and source, then fails the journey.
    pub async fn fail(&self, why: &str) -> std::convert::Infallible {
        let folder = workspace().join("target/browser-failures");
        let _ = std::fs::create_dir_all(&folder);
        let stem = folder.join(&self.journey);
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(stem.with_extension("png"), png);
        }
        let source = self.client.source().await.unwrap_or_default();
        let _ = std::fs::write(stem.with_extension("html"), &source);
        let at = self.url().await;
        panic!("journey `{}` at {at}: {why}\n(screenshot and source in {})", self.journey, folder.display());
    }

    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

async fn wait_until_listening(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(Instant::now() < deadline, "chromedriver did not start listening on {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
