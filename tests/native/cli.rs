//! The headless runner's interface, which scripts rely on.

use crate::support::runner;

#[test]
fn json_has_the_documented_fields() {
    let out = runner()
        .args([
            "run",
            "--preset",
            "fix-softmax",
            "--steps",
            "30",
            "--seed",
            "5",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8(out.stdout).unwrap();
    assert_eq!(line.trim().lines().count(), 1, "one JSON line: {line}");
    let j: serde_json::Value = serde_json::from_str(line.trim()).unwrap();
    assert_eq!(j["preset"], "fix-softmax");
    assert_eq!(j["steps"], 30);
    assert_eq!(j["seed"], 5);
    assert_eq!(j["params"], 11_897);
    let init = j["initial_loss"].as_f64().unwrap();
    assert!((init - 27f64.ln()).abs() < 0.2, "{init}");
    for k in ["train_loss", "val_loss"] {
        let v = j[k].as_f64().unwrap();
        assert!(v > 1.5 && v < init + 0.5, "{k} {v}");
    }
}

#[test]
fn the_log_prints_the_notebooks_lines() {
    let out = runner()
        .args(["run", "--preset", "naive", "--steps", "20"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Iteration  0 | Loss (Mini-Batch): "),
        "{text}"
    );
    assert!(
        text.contains("Iteration 19 | Loss (Mini-Batch): "),
        "{text}"
    );
    assert!(
        text.contains("Train loss: ") && text.contains(" | Val loss: "),
        "{text}"
    );
    assert!(text.contains("Model parameters: 11897"));
}

#[test]
fn bad_arguments_get_usage_and_a_nonzero_exit() {
    for args in [
        vec!["run", "--preset", "bogus"],
        vec!["run"],
        vec!["fly"],
        vec!["run", "--preset", "deep", "--steps", "many"],
        vec!["run", "--preset", "deep", "--frobnicate"],
    ] {
        let out = runner().args(&args).output().unwrap();
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("usage: makemore-lab run --preset NAME"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_bad_names_file_is_reported() {
    let dir = std::env::temp_dir().join(format!("mm-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("names.txt");
    std::fs::write(&f, "emma\nst\tjohn\n").unwrap();
    let out = runner()
        .args([
            "run",
            "--preset",
            "naive",
            "--steps",
            "5",
            "--names",
            f.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 2"));
}
