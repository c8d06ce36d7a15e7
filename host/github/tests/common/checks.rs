//! A stand-in for GitHub's Checks API on the loopback server: it keeps the
//! check runs it was sent, answers with the documented `check-run` example
//! (tests/fixtures/check-run.json) carrying their values, appends
//! annotations as GitHub does, refuses what GitHub refuses (more than 50
//! annotations, an over-long summary), and lists a commit's check runs in
//! pages. Every request body it gets can be validated against the vendored
//! request schemas ([`assert_valid_bodies`]).

use std::sync::{Arc, Mutex};

use serde_json::{Value, json};

use super::{MockGitHub, OWNER, REPO, Recorded, Reply, fixture, matches_template};

/// One stored check run.
#[derive(Clone, Debug)]
pub struct StoredRun {
    pub id: u64,
    pub name: String,
    pub head_sha: String,
    pub external_id: Option<String>,
    pub status: String,
    pub conclusion: Option<String>,
    pub output: Value,
    /// Every annotation received, in order.
    pub annotations: Vec<Value>,
}

/// The state behind the fake Checks API.
#[derive(Default)]
pub struct FakeChecks {
    runs: Mutex<Vec<StoredRun>>,
    base: String,
}

impl FakeChecks {
    /// Mounts the Checks API of `OWNER/REPO` on `server`.
    pub fn mount(server: &MockGitHub) -> Arc<FakeChecks> {
        let fake = Arc::new(FakeChecks {
            runs: Mutex::default(),
            base: server.url(),
        });
        let handler = fake.clone();
        server.handle(move |request| handler.answer(request));
        fake
    }

    pub fn runs(&self) -> Vec<StoredRun> {
        self.runs.lock().unwrap().clone()
    }

    /// The only check run named `name`.
    pub fn run(&self, name: &str) -> StoredRun {
        let runs: Vec<StoredRun> = self.runs().into_iter().filter(|r| r.name == name).collect();
        assert_eq!(runs.len(), 1, "check runs named {name}: {runs:#?}");
        runs.into_iter().next().unwrap()
    }

    fn answer(&self, request: &Recorded) -> Option<Reply> {
        let repo = format!("/repos/{OWNER}/{REPO}");
        let path = request.path();
        let rest = path.strip_prefix(&repo)?;
        match request.method.as_str() {
            "GET" if matches_template("/commits/{ref}/check-runs", rest) => {
                let sha = rest.split('/').nth(2).unwrap();
                Some(self.list(request, sha))
            }
            "POST" if rest == "/check-runs" => Some(self.create(&request.json())),
            "PATCH" if matches_template("/check-runs/{id}", rest) => {
                let id: u64 = rest.rsplit('/').next().unwrap().parse().ok()?;
                Some(self.update(id, &request.json()))
            }
            _ => None,
        }
    }

    /// GitHub's own limits, answered as it answers them.
    fn refuse(body: &Value) -> Option<Reply> {
        let output = body.get("output")?;
        if output["annotations"]
            .as_array()
            .is_some_and(|a| a.len() > 50)
        {
            return Some(Reply::error(
                422,
                "Only 50 annotations are allowed per request",
            ));
        }
        for field in ["summary", "text"] {
            if output[field]
                .as_str()
                .is_some_and(|s| s.chars().count() > 65_535)
            {
                return Some(Reply::error(422, &format!("output.{field} is too long")));
            }
        }
        None
    }

    fn create(&self, body: &Value) -> Reply {
        if let Some(refused) = FakeChecks::refuse(body) {
            return refused;
        }
        let mut runs = self.runs.lock().unwrap();
        let id = 4 + runs.len() as u64;
        let mut run = StoredRun {
            id,
            name: body["name"].as_str().unwrap().to_string(),
            head_sha: body["head_sha"].as_str().unwrap().to_string(),
            external_id: body["external_id"].as_str().map(String::from),
            status: "queued".into(),
            conclusion: None,
            output: json!({}),
            annotations: Vec::new(),
        };
        apply(&mut run, body);
        let answer = self.shape(&run);
        runs.push(run);
        let mut reply = Reply::json(&answer);
        reply.status = 201;
        reply
    }

    fn update(&self, id: u64, body: &Value) -> Reply {
        if let Some(refused) = FakeChecks::refuse(body) {
            return refused;
        }
        let mut runs = self.runs.lock().unwrap();
        let Some(run) = runs.iter_mut().find(|r| r.id == id) else {
            return Reply::error(404, "Not Found");
        };
        if let Some(name) = body["name"].as_str() {
            run.name = name.to_string();
        }
        if let Some(external_id) = body["external_id"].as_str() {
            run.external_id = Some(external_id.to_string());
        }
        apply(run, body);
        Reply::json(&self.shape(run))
    }

    fn list(&self, request: &Recorded, sha: &str) -> Reply {
        let name = request.param("check_name");
        let per_page: usize = request
            .param("per_page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(30);
        let page: usize = request
            .param("page")
            .and_then(|p| p.parse().ok())
            .unwrap_or(1);
        let runs = self.runs.lock().unwrap();
        let matching: Vec<&StoredRun> = runs
            .iter()
            .filter(|r| r.head_sha == sha && name.as_ref().is_none_or(|n| *n == r.name))
            .collect();
        let pages = matching.len().div_ceil(per_page).max(1);
        let items: Vec<Value> = matching
            .iter()
            .skip((page - 1) * per_page)
            .take(per_page)
            .map(|r| self.shape(r))
            .collect();
        let mut answer = fixture("check-run-paginated.json");
        answer["total_count"] = json!(matching.len());
        answer["check_runs"] = json!(items);
        let mut reply = Reply::json(&answer);
        if page < pages {
            let mut next = request.clone();
            let query: Vec<String> = next
                .query()
                .into_iter()
                .filter(|(k, _)| k != "page")
                .map(|(k, v)| format!("{k}={}", v.replace(' ', "%20").replace('/', "%2F")))
                .collect();
            next.target = format!("{}?{}&page={}", request.path(), query.join("&"), page + 1);
            reply = reply.header(
                "Link",
                &format!("<{}{}>; rel=\"next\"", self.base, next.target),
            );
        }
        reply
    }

    /// A stored run as GitHub answers it: the documented example with this
    /// run's values.
    fn shape(&self, run: &StoredRun) -> Value {
        let mut value = fixture("check-run.json");
        let url = format!(
            "https://api.github.com/repos/{OWNER}/{REPO}/check-runs/{}",
            run.id
        );
        value["id"] = json!(run.id);
        value["name"] = json!(run.name);
        value["head_sha"] = json!(run.head_sha);
        value["external_id"] = json!(run.external_id);
        value["status"] = json!(run.status);
        value["conclusion"] = json!(run.conclusion);
        value["url"] = json!(url);
        value["html_url"] = json!(format!("https://github.com/{OWNER}/{REPO}/runs/{}", run.id));
        let output = &mut value["output"];
        output["title"] = run.output.get("title").cloned().unwrap_or(Value::Null);
        output["summary"] = run.output.get("summary").cloned().unwrap_or(Value::Null);
        output["text"] = run.output.get("text").cloned().unwrap_or(Value::Null);
        output["annotations_count"] = json!(run.annotations.len());
        output["annotations_url"] = json!(format!("{url}/annotations"));
        value
    }
}

/// What GitHub does with a create or update body: status and conclusion,
/// output replaced, annotations appended.
fn apply(run: &mut StoredRun, body: &Value) {
    if let Some(status) = body["status"].as_str() {
        run.status = status.to_string();
    }
    if let Some(conclusion) = body["conclusion"].as_str() {
        run.conclusion = Some(conclusion.to_string());
        run.status = "completed".into();
    }
    if let Some(output) = body.get("output") {
        for field in ["title", "summary", "text"] {
            if let Some(value) = output.get(field) {
                run.output[field] = value.clone();
            }
        }
        if let Some(annotations) = output["annotations"].as_array() {
            run.annotations.extend(annotations.iter().cloned());
        }
    }
}

/// The check-run write requests the server received (POST and PATCH).
pub fn writes(server: &MockGitHub) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| (r.method == "POST" || r.method == "PATCH") && r.path().contains("/check-runs"))
        .collect()
}

/// Validates every check-run request body the server received (see
/// [`body_errors`]); returns how many bodies were checked.
pub fn assert_valid_bodies(server: &MockGitHub) -> usize {
    let mut checked = 0;
    for request in server.requests() {
        if request.method == "GET" {
            continue;
        }
        let errors = body_errors(&request.method, request.path(), &request.json());
        assert!(
            errors.is_empty(),
            "{} {}: {errors:#?}",
            request.method,
            request.path()
        );
        checked += 1;
    }
    checked
}

/// What is wrong with `body` as the request body of `method path`: checked
/// against the request schema vendored from GitHub's OpenAPI description for
/// that operation, and against what the description states only in prose:
/// no property the schema does not define (OpenAPI 3.0 schemas leave
/// `additionalProperties` open, GitHub does not), `summary` and `text`
/// under 65,535 bytes, titles under 255 characters.
pub fn body_errors(method: &str, path: &str, body: &Value) -> Vec<String> {
    let operations = fixture("openapi-operations.json")["operations"].clone();
    let operation = operations
        .as_array()
        .unwrap()
        .iter()
        .find(|op| op["method"] == method && matches_template(op["path"].as_str().unwrap(), path))
        .unwrap_or_else(|| panic!("{method} {path} is not documented"));
    let schema = fixture(operation["request_schema"].as_str().unwrap());
    let validator = jsonschema::draft4::new(&schema).expect("the vendored schema compiles");
    let mut errors: Vec<String> = validator
        .iter_errors(body)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    unknown_properties(&schema, body, "", &mut errors);
    let output = &body["output"];
    for field in ["summary", "text"] {
        if let Some(text) = output[field].as_str()
            && text.len() >= 65_535
        {
            errors.push(format!("output.{field} is {} bytes", text.len()));
        }
    }
    if let Some(title) = output["title"].as_str()
        && title.chars().count() >= 255
    {
        errors.push(format!(
            "output.title has {} characters",
            title.chars().count()
        ));
    }
    for annotation in output["annotations"].as_array().into_iter().flatten() {
        if let Some(title) = annotation["title"].as_str()
            && title.chars().count() >= 255
        {
            errors.push(format!(
                "annotation title has {} characters",
                title.chars().count()
            ));
        }
        if annotation["message"]
            .as_str()
            .is_some_and(|m| m.len() > 65_535)
        {
            errors.push("annotation message over 64 KB".to_string());
        }
    }
    errors
}

/// Object properties in `value` that `schema` does not define.
fn unknown_properties(schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
                return;
            };
            for (key, inner) in map {
                match properties.get(key) {
                    Some(property) => {
                        unknown_properties(property, inner, &format!("{at}/{key}"), errors)
                    }
                    None => errors.push(format!("{at}/{key} is not a property the schema defines")),
                }
            }
        }
        Value::Array(items) => {
            if let Some(item) = schema.get("items") {
                for (i, inner) in items.iter().enumerate() {
                    unknown_properties(item, inner, &format!("{at}/{i}"), errors);
                }
            }
        }
        _ => {}
    }
}
