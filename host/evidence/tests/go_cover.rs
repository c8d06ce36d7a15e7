//! Go coverage profiles (`go test -coverprofile`), from go 1.19.8 over the
//! module in `tests/fixtures/go-cover/gateway/` (see its PROVENANCE.md).

mod common;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use common::*;
use regops_evidence::detect::detect;
use regops_evidence::{Error, Evidence, EvidenceKind, Format, Input, Options, load};

const DIR: &str = "tests/fixtures/go-cover/gateway";

fn profile(name: &str) -> Evidence {
    let e = fixture(&format!("{DIR}/out/{name}"), EvidenceKind::Coverage);
    assert_eq!(e.files[0].format, Format::GoCoverprofile, "{name}");
    e
}

/// (covered, total) lines per path.
fn by_path(e: &Evidence) -> BTreeMap<String, (u64, u64)> {
    e.coverage
        .iter()
        .map(|f| (f.path.clone(), (f.lines.covered, f.lines.total)))
        .collect()
}

fn path(rel: &str) -> String {
    format!("{DIR}/{rel}")
}

fn total(e: &Evidence) -> (u64, u64) {
    e.coverage
        .iter()
        .fold((0, 0), |(c, t), f| (c + f.lines.covered, t + f.lines.total))
}

/// The lines of a profile the simple way, one line at a time: every line of
/// a block with statements is executable, covered when any block over it
/// counted; keyed by import path.
fn expanded(profile: &str) -> BTreeMap<String, (u64, u64)> {
    let text = std::fs::read_to_string(repo().join(format!("{DIR}/out/{profile}"))).expect("read");
    let mut lines: HashMap<String, BTreeMap<u64, bool>> = HashMap::new();
    for line in text.lines().filter(|l| !l.starts_with("mode:")) {
        let (file, rest) = line.rsplit_once(':').expect("file:");
        let fields: Vec<&str> = rest.split([',', '.', ' ']).collect();
        let n = |i: usize| fields[i].parse::<u64>().expect("number");
        if n(4) == 0 {
            continue;
        }
        let table = lines.entry(file.to_string()).or_default();
        for l in n(0)..=n(2) {
            *table.entry(l).or_default() |= n(5) > 0;
        }
    }
    lines
        .into_iter()
        .map(|(file, table)| {
            let covered = table.values().filter(|c| **c).count() as u64;
            (file, (covered, table.len() as u64))
        })
        .collect()
}

/// `expanded` with the module path replaced as regops replaces it.
fn expanded_paths(profile: &str) -> BTreeMap<String, (u64, u64)> {
    expanded(profile)
        .into_iter()
        .map(|(file, counts)| {
            let rel = file
                .strip_prefix("example.com/pump/gateway/")
                .expect("in the module");
            (path(rel), counts)
        })
        .collect()
}

#[test]
fn set_count_and_atomic_profiles_read_as_the_same_lines() {
    for name in ["cover-set.out", "cover-count.out", "cover-atomic.out"] {
        let e = profile(name);
        assert!(warnings(&e).is_empty(), "{name}: {:?}", warnings(&e));
        // Checked by hand against the sources (PROVENANCE.md): alarm.go's
        // blocks span 19-22 and 25-37 and 39 (18 lines); 28-29 (the error
        // return) and 34-35 ("confirm") never ran. rate.go: Check spans
        // 10-18 and 20, its 12-13 and 15-16 never ran; Clamp's 24-28 never
        // ran. rate_linux.go: Platform's one line.
        assert_eq!(
            by_path(&e),
            BTreeMap::from([
                (path("alarm/alarm.go"), (14, 18)),
                (path("rate/rate.go"), (6, 15)),
                (path("rate/rate_linux.go"), (0, 1)),
            ]),
            "{name}"
        );
        assert_eq!(total(&e), (20, 34), "{name}");
        assert_eq!(by_path(&e), expanded_paths(name), "{name}");
        for f in &e.coverage {
            // A profile measures no branches: none, not 0 of 0.
            assert_eq!(f.branches, None, "{name} {}", f.path);
            assert_eq!(f.evidence, format!("{DIR}/out/{name}"));
            assert!(repo().join(&f.path).is_file(), "{} is the source", f.path);
        }
    }
}

#[test]
fn a_coverpkg_profile_merges_the_blocks_each_test_binary_repeats() {
    let e = profile("cover-coverpkg.out");
    assert!(warnings(&e).is_empty(), "{:?}", warnings(&e));
    let text =
        std::fs::read_to_string(repo().join(format!("{DIR}/out/cover-coverpkg.out"))).unwrap();
    // 22 distinct blocks, each written by both test binaries.
    let blocks: Vec<&str> = text.lines().skip(1).collect();
    let distinct: std::collections::HashSet<&str> = blocks
        .iter()
        .map(|l| l.rsplit_once(' ').unwrap().0)
        .collect();
    assert_eq!((blocks.len(), distinct.len()), (44, 22));
    // One record per file, in first-seen order.
    let paths: Vec<&str> = e.coverage.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            path("proto/proto.go"),
            path("rate/rate.go"),
            path("rate/rate_linux.go"),
            path("alarm/alarm.go"),
        ]
    );
    // The union of both binaries: alarm's tests ran rate's "reject" way
    // (15-16) and proto's Frame (7-8, 11; 9-10 is the empty payload), rate's
    // own tests the "confirm" way (17-18). Reserved's block has no statement.
    assert_eq!(
        by_path(&e),
        BTreeMap::from([
            (path("alarm/alarm.go"), (14, 18)),
            (path("proto/proto.go"), (3, 5)),
            (path("rate/rate.go"), (8, 15)),
            (path("rate/rate_linux.go"), (0, 1)),
        ])
    );
    assert_eq!(total(&e), (25, 39));
    assert_eq!(by_path(&e), expanded_paths("cover-coverpkg.out"));
}

#[test]
fn a_failing_run_still_measured_what_ran() {
    // go test exited 1, and printed rate's coverage of that run (50.0 %);
    // the failure is for the test results to show.
    let e = profile("cover-failing.out");
    assert_eq!(
        by_path(&e),
        BTreeMap::from([
            (path("alarm/alarm.go"), (14, 18)),
            (path("rate/rate.go"), (8, 15)),
            (path("rate/rate_linux.go"), (0, 1)),
        ])
    );
    assert_eq!(total(&e), (22, 34));
    assert_eq!(by_path(&e), expanded_paths("cover-failing.out"));
}

#[test]
fn a_profile_of_only_its_mode_line_is_refused() {
    // `go test ./proto/` (no test files) exits 0 and writes `mode: set`.
    let err = try_fixture(
        &format!("{DIR}/out/cover-no-tests.out"),
        EvidenceKind::Coverage,
    )
    .expect_err("measured nothing");
    assert_eq!(malformed_at(&err), (Some(1), Some(1)));
    let text = err.to_string();
    assert!(text.contains("malformed go-coverprofile"), "{text}");
    assert!(
        text.contains("the profile has no coverage blocks, only its mode line"),
        "{text}"
    );
}

#[test]
fn profiles_are_detected_by_their_mode_line() {
    for name in [
        "cover-set.out",
        "cover-count.out",
        "cover-atomic.out",
        "cover-coverpkg.out",
        "cover-failing.out",
        "cover-no-tests.out",
    ] {
        let bytes = std::fs::read(repo().join(format!("{DIR}/out/{name}"))).unwrap();
        assert_eq!(detect(&bytes), Ok(Format::GoCoverprofile), "{name}");
    }
    assert_eq!(detect(b"mode: count"), Ok(Format::GoCoverprofile));
    assert_eq!(
        detect(b"\xEF\xBB\xBFmode: set\r\n"),
        Ok(Format::GoCoverprofile)
    );
    for other in [
        &b"mode: sets\n"[..],
        b"mode:set\n",
        b"mode: \n",
        b"Mode: set\n",
    ] {
        assert!(detect(other).is_err(), "{}", String::from_utf8_lossy(other));
    }
    assert_eq!(Format::GoCoverprofile.name(), "go-coverprofile");
    assert_eq!(
        Format::from_name("go-coverprofile"),
        Some(Format::GoCoverprofile)
    );
    assert_eq!(Format::GoCoverprofile.kind(), EvidenceKind::Coverage);
    assert!(Format::names_for(EvidenceKind::Coverage).contains("go-coverprofile"));
    // Listed under tests, it is named and sent to `coverage`.
    let err = try_fixture(&format!("{DIR}/out/cover-set.out"), EvidenceKind::Tests)
        .expect_err("not tests");
    assert!(
        matches!(
            err,
            Error::WrongKind {
                format: Format::GoCoverprofile,
                ..
            }
        ),
        "{err}"
    );
}

/// A fresh directory under the system's temporary directory.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("regops-go-cover-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn load_as(path: &Path, display: &str) -> Evidence {
    load(
        &[Input {
            path: path.to_path_buf(),
            display: display.to_string(),
            kind: EvidenceKind::Coverage,
            format: None,
        }],
        &Options::default(),
    )
    .unwrap_or_else(|e| panic!("{e}"))
}

const PROFILE: &str = "mode: set\n\
    example.com/pump/gateway/rate/rate.go:10.54,11.14 1 1\n\
    example.com/pump/gateway/rate/rate.go:11.14,13.3 1 0\n\
    example.com/other/lib/lib.go:3.20,5.2 2 1\n";

#[test]
fn import_paths_become_paths_from_the_go_mod_near_the_profile() {
    let dir = scratch("paths");
    write(
        &dir.join("go.mod"),
        "// The gateway.\nmodule \"example.com/pump/gateway\" // quoted\n\ngo 1.19\n",
    );
    // Beside go.mod, and one directory down: the module root is where the
    // display paths start from, so the paths are the same.
    write(&dir.join("cover.out"), PROFILE);
    write(&dir.join("coverage/cover.out"), PROFILE);
    for (file, display) in [
        ("cover.out", "cover.out"),
        ("coverage/cover.out", "coverage/cover.out"),
    ] {
        let e = load_as(&dir.join(file), display);
        let paths: Vec<&str> = e.coverage.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["rate/rate.go", "example.com/other/lib/lib.go"]);
        assert_eq!(e.coverage[0].lines, counts(2, 4));
        assert_eq!(e.coverage[1].lines, counts(3, 3));
        // A file of another module keeps its import path, said once.
        assert_eq!(
            warnings(&e),
            [format!(
                "1 file(s) are not in module example.com/pump/gateway (go.mod in {}) and keep \
                 their import path (first: example.com/other/lib/lib.go)",
                std::fs::canonicalize(&dir).unwrap().display()
            )]
        );
    }
    // Where display paths start above the module: the module's directory
    // comes first, as for every other evidence path.
    let e = load_as(&dir.join("coverage/cover.out"), "svc/coverage/cover.out");
    assert_eq!(e.coverage[0].path, "svc/rate/rate.go");
    // A go.mod above where display paths start: an absolute path.
    let e = load_as(&dir.join("coverage/cover.out"), "cover.out");
    assert_eq!(
        e.coverage[0].path,
        format!(
            "{}/rate/rate.go",
            std::fs::canonicalize(&dir).unwrap().display()
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn without_a_go_mod_paths_stay_import_paths_with_a_warning() {
    let dir = scratch("no-go-mod");
    write(&dir.join("cover.out"), PROFILE);
    let e = load_as(&dir.join("cover.out"), "cover.out");
    assert_eq!(e.coverage[0].path, "example.com/pump/gateway/rate/rate.go");
    assert_eq!(warnings(&e).len(), 1, "{:?}", warnings(&e));
    assert!(
        warnings(&e)[0].starts_with(
            "no go.mod in the profile's directory or above it: file paths are Go import paths"
        ),
        "{:?}",
        warnings(&e)
    );
    // A go.mod without a module line says so.
    write(&dir.join("go.mod"), "go 1.19\n");
    let e = load_as(&dir.join("cover.out"), "cover.out");
    assert_eq!(e.coverage[0].path, "example.com/pump/gateway/rate/rate.go");
    assert!(
        warnings(&e)[0].contains("has no `module` line regops reads"),
        "{:?}",
        warnings(&e)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn concatenated_profiles_of_one_mode_are_merged() {
    // `cat a.out b.out` (Codecov reads it; go tool cover refuses the second
    // mode line): the same as Go's own -coverpkg appending.
    let set = std::fs::read_to_string(repo().join(format!("{DIR}/out/cover-set.out"))).unwrap();
    let failing =
        std::fs::read_to_string(repo().join(format!("{DIR}/out/cover-failing.out"))).unwrap();
    let both = format!("{set}\n{failing}");
    let e = try_bytes("both.out", both.as_bytes(), EvidenceKind::Coverage, None).expect("loads");
    let rate = file(&e.coverage, "example.com/pump/gateway/rate/rate.go");
    assert_eq!(rate.lines, counts(8, 15));
    assert_eq!(e.coverage.len(), 3);
}

#[test]
fn two_profiles_loaded_as_two_files_merge_as_go_merges_them_in_one() {
    // The two files side by side read as the two concatenated into one
    // profile, which the reader merges block by block as Go does.
    let separate = fixtures_in(
        &format!("{DIR}/out"),
        &["cover-set.out", "cover-failing.out"],
        EvidenceKind::Coverage,
    );
    let set = std::fs::read_to_string(repo().join(format!("{DIR}/out/cover-set.out"))).unwrap();
    let failing =
        std::fs::read_to_string(repo().join(format!("{DIR}/out/cover-failing.out"))).unwrap();
    let joined = scratch("joined");
    let out = joined.join("both.out");
    write(&out, &format!("{set}\n{failing}"));
    let one = load_as(&out, "both.out");
    // The joined file is outside the module, so its paths stay import paths.
    let module = "example.com/pump/gateway/";
    let one: BTreeMap<String, (u64, u64)> = by_path(&one)
        .into_iter()
        .map(|(p, c)| (path(p.trim_start_matches(module)), c))
        .collect();
    assert_eq!(by_path(&separate), one);
    assert_eq!(by_path(&separate)[&path("rate/rate.go")], (8, 15));
    // One record per source file, as from the joined profile.
    assert_eq!(separate.coverage.len(), 3);
    std::fs::remove_dir_all(&joined).ok();
}

#[test]
fn malformed_profiles_name_the_line_and_column() {
    let cases: [(&str, u64, u64, &str); 12] = [
        ("", 1, 1, "the file is empty"),
        (
            "x.go:1.1,2.2 1 1\n",
            1,
            1,
            "expected the first line to be `mode: set`",
        ),
        ("mode: bogus\n", 1, 7, "unknown coverage mode \"bogus\""),
        (
            "mode: set\nx.go:1.1,2.2 1 1\nmode: count\n",
            3,
            7,
            "mode count here, but the profile began with mode set (line 1)",
        ),
        (
            "mode: set\nx.go:1.1,2.2 1\n",
            2,
            1,
            "expected FILE:LINE.COLUMN,LINE.COLUMN STATEMENTS COUNT",
        ),
        (
            "mode: set\nx.go:1.1,2.x 1 1\n",
            2,
            12,
            "the end column \"x\" is not a whole number",
        ),
        ("mode: set\nx.go:0.1,2.2 1 1\n", 2, 6, "the start line is 0"),
        (
            "mode: set\nx.go:5.1,2.2 1 1\n",
            2,
            6,
            "the block ends (2.2) before it starts (5.1)",
        ),
        (
            "mode: set\nx.go:1.1,2.2 1 1\nx.go:1.1,2.2 2 1\n",
            3,
            14,
            "x.go:1.1,2.2 has 2 statement(s) here but 1 on line 2",
        ),
        ("mode: set\nx.go:1.1,2.2 1 -1\n", 2, 16, "the count \"-1\""),
        (
            "mode: set\nx.go:1.1,4294967296.2 1 1\n",
            2,
            10,
            "the end line 4294967296 is out of range",
        ),
        ("mode: set\n:1.1,2.2 1 1\n", 2, 1, "the file name is empty"),
    ];
    for (text, line, column, message) in cases {
        let err = try_bytes(
            "bad.out",
            text.as_bytes(),
            EvidenceKind::Coverage,
            Some(Format::GoCoverprofile),
        )
        .expect_err(text);
        assert_eq!(malformed_at(&err), (Some(line), Some(column)), "{err}");
        let shown = err.to_string();
        assert!(shown.contains("malformed go-coverprofile"), "{shown}");
        assert!(shown.contains(message), "{shown}");
    }
}

#[test]
fn hostile_profiles_fail_cleanly() {
    // A line of 2 MiB: refused without buffering it all.
    let mut long = b"mode: set\n".to_vec();
    long.extend(std::iter::repeat_n(b'a', 2 << 20));
    let err = try_bytes("long.out", &long, EvidenceKind::Coverage, None).expect_err("long");
    assert_eq!(malformed_at(&err), (Some(2), Some(1)));
    // The largest spans cost no memory in proportion and cannot overflow.
    let huge = "mode: count\na.go:1.1,4294967295.1 1 4294967295\n\
                b.go:1.1,4294967295.1 1 0\nb.go:1.1,4294967295.1 1 18446744073709551615\n";
    let e = try_bytes("huge.out", huge.as_bytes(), EvidenceKind::Coverage, None).expect("loads");
    assert_eq!(e.coverage[0].lines, counts(4294967295, 4294967295));
    assert_eq!(e.coverage[1].lines, counts(4294967295, 4294967295));
    // Every prefix of a real profile, and each with a byte bent: an error or
    // a reading, never a panic.
    let whole = std::fs::read(repo().join(format!("{DIR}/out/cover-coverpkg.out"))).unwrap();
    for cut in (1..whole.len()).step_by(7) {
        let _ = try_bytes(
            "cut.out",
            &whole[..cut],
            EvidenceKind::Coverage,
            Some(Format::GoCoverprofile),
        );
        for b in [b'\n', b' ', b':', b'.', b',', 0xFF] {
            let mut bent = whole.clone();
            bent[cut] = b;
            let _ = try_bytes(
                "bent.out",
                &bent,
                EvidenceKind::Coverage,
                Some(Format::GoCoverprofile),
            );
        }
    }
}
