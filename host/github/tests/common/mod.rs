//! A loopback stand-in for the GitHub REST API: it answers scripted replies
//! built from GitHub's documented example payloads (tests/fixtures, taken
//! from @octokit/openapi), or a handler that keeps state (the Checks API in
//! `checks.rs`), and records every request it receives with its body.
#![allow(dead_code)]

pub mod checks;

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use regops_github::{Error, GitHubContext, RetryPolicy};
use serde_json::{Value, json};

/// The token every test uses: distinctive, so a leak is easy to find.
pub const TOKEN: &str = "ghs_TESTTOKEN0123456789regopsSECRETxyz";
pub const OWNER: &str = "octocat";
pub const REPO: &str = "Hello-World";
/// The number and head of the documented example pull request.
pub const NUMBER: u64 = 1347;
pub const HEAD: &str = "6dcb09b5b57875f334f61aebed695e2e4193db5e";

/// One scripted answer.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(value: &Value) -> Reply {
        Reply {
            status: 200,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: value.to_string(),
        }
    }

    /// An error answer shaped as GitHub's `basic-error` schema.
    pub fn error(status: u16, message: &str) -> Reply {
        Reply {
            status,
            headers: vec![(
                "Content-Type".into(),
                "application/json; charset=utf-8".into(),
            )],
            body: json!({
                "message": message,
                "documentation_url": "https://docs.github.com/rest",
                "status": status.to_string(),
            })
            .to_string(),
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

/// A request as the server saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query.
    pub target: String,
    /// Header names lowercased.
    pub headers: Vec<(String, String)>,
    /// The body as sent (UTF-8; empty when there was none).
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn path(&self) -> &str {
        self.target.split('?').next().unwrap_or_default()
    }

    /// The query's parameters, percent-decoded.
    pub fn query(&self) -> Vec<(String, String)> {
        let Some((_, query)) = self.target.split_once('?') else {
            return Vec::new();
        };
        query
            .split('&')
            .filter(|p| !p.is_empty())
            .map(|pair| {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                (percent_decode(k), percent_decode(v))
            })
            .collect()
    }

    pub fn param(&self, name: &str) -> Option<String> {
        self.query()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("{} {}: body is not JSON: {e}", self.method, self.target))
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).expect("percent-encoding"));
                i += 3;
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("UTF-8 query")
}

type Routes = Arc<Mutex<HashMap<String, VecDeque<Reply>>>>;

/// Answers a request from state it keeps (`None`: not mine, 404).
pub type Handler = Arc<dyn Fn(&Recorded) -> Option<Reply> + Send + Sync>;

/// A reply for the next request with this method and path (any query),
/// given instead of the handler's.
#[derive(Clone, Debug)]
struct Interjection {
    method: String,
    path: String,
    reply: Reply,
    /// Whether the handler still sees the request (it takes effect and its
    /// answer is lost), as when GitHub did the work but the answer was a
    /// 502 from a proxy.
    handled: bool,
}

#[derive(Clone, Default)]
struct Behaviour {
    routes: Routes,
    handler: Arc<Mutex<Option<Handler>>>,
    interjections: Arc<Mutex<VecDeque<Interjection>>>,
}

/// The server. Stops (and joins its thread) when dropped.
pub struct MockGitHub {
    port: u16,
    routes: Routes,
    behaviour: Behaviour,
    log: Arc<Mutex<Vec<Recorded>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl MockGitHub {
    pub fn start() -> MockGitHub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind loopback");
        let port = listener.local_addr().unwrap().port();
        let behaviour = Behaviour::default();
        let routes = behaviour.routes.clone();
        let log: Arc<Mutex<Vec<Recorded>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (behaviour, log, stop) = (behaviour.clone(), log.clone(), stop.clone());
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let (behaviour, log) = (behaviour.clone(), log.clone());
                    std::thread::spawn(move || serve(stream, &behaviour, &log));
                }
            })
        };
        MockGitHub {
            port,
            routes,
            behaviour,
            log,
            stop,
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Answers `target` (path and query, exactly) with `replies` in turn;
    /// the last one repeats.
    pub fn route(&self, target: &str, replies: Vec<Reply>) {
        self.routes
            .lock()
            .unwrap()
            .insert(target.to_string(), replies.into());
    }

    /// Answers whatever no route answers with `handler`.
    pub fn handle(&self, handler: impl Fn(&Recorded) -> Option<Reply> + Send + Sync + 'static) {
        *self.behaviour.handler.lock().unwrap() = Some(Arc::new(handler));
    }

    /// Answers the next `method` request to `path` (any query) with `reply`
    /// instead of the handler; queued interjections are used in order.
    pub fn interject(&self, method: &str, path: &str, reply: Reply) {
        self.push_interjection(method, path, reply, false);
    }

    /// Like [`MockGitHub::interject`], but the handler still gets the
    /// request (it takes effect) and its answer is replaced by `reply`: a
    /// write whose answer was lost.
    pub fn interject_after_handling(&self, method: &str, path: &str, reply: Reply) {
        self.push_interjection(method, path, reply, true);
    }

    fn push_interjection(&self, method: &str, path: &str, reply: Reply, handled: bool) {
        self.behaviour
            .interjections
            .lock()
            .unwrap()
            .push_back(Interjection {
                method: method.to_string(),
                path: path.to_string(),
                reply,
                handled,
            });
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }

    /// Requests whose path (without query) is `path`.
    pub fn hits(&self, path: &str) -> usize {
        self.requests().iter().filter(|r| r.path() == path).count()
    }
}

impl Drop for MockGitHub {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(stream: TcpStream, behaviour: &Behaviour, log: &Mutex<Vec<Recorded>>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let mut reader = BufReader::new(match stream.try_clone() {
        Ok(s) => s,
        Err(_) => return,
    });
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).unwrap_or(0) == 0 {
        return;
    }
    let mut parts = request_line.split_whitespace();
    let method = parts.next().unwrap_or_default().to_string();
    let target = parts.next().unwrap_or_default().to_string();
    let mut headers = Vec::new();
    let mut content_length = 0usize;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            break;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            let name = name.trim().to_ascii_lowercase();
            let value = value.trim().to_string();
            if name == "content-length" {
                content_length = value.parse().unwrap_or(0);
            }
            headers.push((name, value));
        }
    }
    let mut body = vec![0; content_length.min(8 << 20)];
    if content_length > 0 {
        let _ = reader.read_exact(&mut body);
    }
    let recorded = Recorded {
        method,
        target,
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    log.lock().unwrap().push(recorded.clone());
    let reply = behaviour.answer(&recorded);
    let mut stream = stream;
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Length: {}\r\nConnection: close\r\n",
        reply.status,
        reason(reply.status),
        reply.body.len()
    );
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    let _ = stream.write_all(head.as_bytes());
    let _ = stream.write_all(reply.body.as_bytes());
    let _ = stream.flush();
    let _ = stream.shutdown(Shutdown::Both);
}

impl Behaviour {
    /// Interjections first, then exact routes, then the handler.
    fn answer(&self, request: &Recorded) -> Reply {
        let interjection = {
            let mut queue = self.interjections.lock().unwrap();
            let at = queue
                .iter()
                .position(|i| i.method == request.method && i.path == request.path());
            at.and_then(|at| queue.remove(at))
        };
        let handler = self.handler.lock().unwrap().clone();
        if let Some(interjection) = interjection {
            if interjection.handled
                && let Some(handler) = &handler
            {
                let _ = handler(request);
            }
            return interjection.reply;
        }
        {
            let mut routes = self.routes.lock().unwrap();
            match routes.get_mut(&request.target) {
                Some(queue) if queue.len() > 1 => return queue.pop_front().unwrap(),
                Some(queue) if !queue.is_empty() => return queue.front().unwrap().clone(),
                _ => {}
            }
        }
        handler
            .and_then(|handler| handler(request))
            .unwrap_or_else(|| Reply::error(404, "Not Found"))
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        201 => "Created",
        422 => "Unprocessable Entity",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Whatever",
    }
}

// ---------------------------------------------------------------------------
// Payloads: the documented examples, with only the values a test needs
// changed (every key GitHub documents stays).

pub fn fixtures_dir() -> PathBuf {
    let own = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    if own.join("pull-request.json").is_file() {
        own
    } else {
        // The host's end-to-end tests include this module from host/.
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("github/tests/fixtures")
    }
}

pub fn fixture(name: &str) -> Value {
    let path = fixtures_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap()
}

fn first_item(name: &str) -> Value {
    fixture(name)
        .as_array()
        .and_then(|a| a.first().cloned())
        .unwrap_or_else(|| panic!("{name} is not a non-empty array"))
}

fn set_user(user: &mut Value, login: &str) {
    user["login"] = json!(login);
    user["url"] = json!(format!("https://api.github.com/users/{login}"));
    user["html_url"] = json!(format!("https://github.com/{login}"));
}

/// The documented pull request, with the head, body and counts given.
pub fn pull(body: Option<&str>, commits: usize, files: usize) -> Value {
    let mut pr = fixture("pull-request.json");
    pr["body"] = json!(body);
    pr["commits"] = json!(commits);
    pr["changed_files"] = json!(files);
    pr
}

/// A review shaped like the documented one.
pub fn review(id: u64, login: Option<&str>, state: &str, at: &str, commit: &str) -> Value {
    let mut r = first_item("pull-request-review-items.json");
    r["id"] = json!(id);
    match login {
        Some(login) => set_user(&mut r["user"], login),
        None => r["user"] = Value::Null,
    }
    r["state"] = json!(state);
    let url = format!("https://github.com/{OWNER}/{REPO}/pull/{NUMBER}#pullrequestreview-{id}");
    r["html_url"] = json!(url);
    r["_links"]["html"]["href"] = json!(url);
    if state == "PENDING" {
        r.as_object_mut().unwrap().remove("submitted_at");
    } else {
        r["submitted_at"] = json!(at);
    }
    r["commit_id"] = json!(commit);
    r
}

/// A pull request commit shaped like the documented one.
pub fn commit(sha: &str, login: Option<&str>, email: &str, message: &str) -> Value {
    let mut c = first_item("commit-items.json");
    c["sha"] = json!(sha);
    c["commit"]["message"] = json!(message);
    c["commit"]["author"]["email"] = json!(email);
    match login {
        Some(login) => set_user(&mut c["author"], login),
        None => c["author"] = Value::Null,
    }
    c
}

/// A changed file shaped like the documented one.
pub fn file(name: &str, previous: Option<&str>) -> Value {
    let mut f = first_item("diff-entry-items.json");
    f["filename"] = json!(name);
    if let Some(previous) = previous {
        f["status"] = json!("renamed");
        f["previous_filename"] = json!(previous);
    }
    f
}

/// A team member shaped like the documented one.
pub fn member(login: &str) -> Value {
    let mut m = first_item("team-member-items.json");
    set_user(&mut m, login);
    m
}

/// Serves `items` at `path` (below `prefix`, the API root's path) in pages
/// of `per_page`, linked as GitHub links them.
pub fn paginate(server: &MockGitHub, prefix: &str, path: &str, items: &[Value], per_page: usize) {
    let pages: Vec<&[Value]> = if items.is_empty() {
        vec![&[]]
    } else {
        items.chunks(per_page.max(1)).collect()
    };
    let last = pages.len();
    let url = |page: usize| format!("{}{prefix}{path}?per_page=100&page={page}", server.url());
    for (i, page) in pages.iter().enumerate() {
        let n = i + 1;
        let target = if n == 1 {
            format!("{prefix}{path}?per_page=100")
        } else {
            format!("{prefix}{path}?per_page=100&page={n}")
        };
        let mut links = Vec::new();
        if n > 1 {
            links.push(format!("<{}>; rel=\"prev\"", url(n - 1)));
        }
        if n < last {
            links.push(format!("<{}>; rel=\"next\"", url(n + 1)));
            links.push(format!("<{}>; rel=\"last\"", url(last)));
        }
        if n > 1 {
            links.push(format!("<{}>; rel=\"first\"", url(1)));
        }
        let mut reply = Reply::json(&Value::Array(page.to_vec()));
        if !links.is_empty() {
            reply = reply.header("Link", &links.join(", "));
        }
        server.route(&target, vec![reply]);
    }
}

/// The paths of the pull request's resources.
pub fn pr_path(suffix: &str) -> String {
    format!("/repos/{OWNER}/{REPO}/pulls/{NUMBER}{suffix}")
}

/// A pull request with everything it needs, below API root path `prefix`.
pub struct Scenario {
    pub body: Option<String>,
    pub reviews: Vec<Value>,
    pub commits: Vec<Value>,
    pub files: Vec<Value>,
    pub per_page: usize,
}

impl Default for Scenario {
    fn default() -> Self {
        Scenario {
            body: Some("Please pull these awesome changes in!".into()),
            reviews: vec![review(
                80,
                Some("reviewer1"),
                "APPROVED",
                "2019-11-17T17:43:43Z",
                HEAD,
            )],
            commits: vec![commit(
                HEAD,
                Some("octocat"),
                "support@github.com",
                "Fix all the bugs",
            )],
            files: vec![file("file1.txt", None)],
            per_page: 100,
        }
    }
}

impl Scenario {
    pub fn mount(&self, server: &MockGitHub, prefix: &str) {
        let pr = pull(self.body.as_deref(), self.commits.len(), self.files.len());
        server.route(&format!("{prefix}{}", pr_path("")), vec![Reply::json(&pr)]);
        paginate(
            server,
            prefix,
            &pr_path("/reviews"),
            &self.reviews,
            self.per_page,
        );
        paginate(
            server,
            prefix,
            &pr_path("/commits"),
            &self.commits,
            self.per_page,
        );
        paginate(
            server,
            prefix,
            &pr_path("/files"),
            &self.files,
            self.per_page,
        );
    }
}

/// Fast retries for tests.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        max_attempts: 4,
        base_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(40),
        max_rate_limit_wait: Duration::from_secs(5),
        request_timeout: Duration::from_secs(10),
    }
}

/// A context for the example pull request against `server` (API root path
/// `prefix`), with the documented head.
pub fn context(server: &MockGitHub, prefix: &str) -> GitHubContext {
    GitHubContext::new(
        &format!("{}{prefix}", server.url()),
        TOKEN,
        &format!("{OWNER}/{REPO}"),
        NUMBER,
        Some(HEAD),
    )
    .unwrap()
    .with_retry_policy(fast_policy())
}

/// Fails the test if the token shows in the error's Display or Debug.
pub fn assert_no_token(error: &Error) {
    let shown = format!("{error} {error:?}");
    assert!(
        !shown.contains(TOKEN) && !shown.contains("TESTTOKEN"),
        "the token leaked into an error: {shown}"
    );
}

/// The documented (method, path template) list from the fixture.
pub fn documented_operations() -> Vec<(String, String)> {
    fixture("openapi-operations.json")["operations"]
        .as_array()
        .unwrap()
        .iter()
        .map(|op| {
            (
                op["method"].as_str().unwrap().to_string(),
                op["path"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Whether `path` matches the template (`{param}` matches one segment).
pub fn matches_template(template: &str, path: &str) -> bool {
    let t: Vec<&str> = template.split('/').collect();
    let p: Vec<&str> = path.split('/').collect();
    t.len() == p.len()
        && t.iter()
            .zip(&p)
            .all(|(t, p)| (t.starts_with('{') && t.ends_with('}') && !p.is_empty()) || t == p)
}

/// Asserts every request was a documented operation, authenticated and
/// versioned as GitHub asks. `prefix` is the API root's path.
pub fn assert_documented(server: &MockGitHub, prefix: &str) {
    let documented = documented_operations();
    for request in server.requests() {
        let path = request
            .path()
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("{} is outside the API root {prefix}", request.target));
        assert!(
            documented
                .iter()
                .any(|(m, t)| *m == request.method && matches_template(t, path)),
            "{} {} is not a documented GitHub operation",
            request.method,
            request.target
        );
        assert_eq!(
            request.header("authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(
            request.header("accept"),
            Some("application/vnd.github+json")
        );
        assert_eq!(request.header("x-github-api-version"), Some("2022-11-28"));
    }
}
