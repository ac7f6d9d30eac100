//! The sheet's API for the worker: answers kept as typed and carried in a link, the exercises in
//! the lecture's order with their text filled from the model, hints in steps, verdicts on the
//! current batch, serde views.

use super::support::{dataset, lab};
use makemore_lab::backprop::sheet::MAX_LINK_BYTES;
use makemore_lab::backprop::{Sheet, VerdictStatus, ORDER};

#[test]
fn the_sheet_goes_into_a_link_and_back() {
    let mut sheet = Sheet::default();
    let tricky = "dh = dlogits @ W2.T  # é & = % + ?\n\tdh *= 1";
    sheet.set("h", tricky).unwrap();
    sheet
        .set("C", "dC = torch.zeros_like(C)\nfor k in range(n): pass")
        .unwrap();
    sheet
        .set("cross_entropy", "dlogits = F.softmax(logits, 1)")
        .unwrap();
    let link = sheet.encode();
    assert!(
        !link.contains(' ') && !link.contains('\n') && !link.contains('#'),
        "{link}"
    );
    assert_eq!(Sheet::decode(&link).unwrap(), sheet);
    assert_eq!(Sheet::decode(&format!("?{link}")).unwrap(), sheet);
    // Clearing an answer removes it.
    sheet.set("h", "  \n").unwrap();
    assert_eq!(sheet.get("h"), "");
    assert!(!sheet.encode().contains("h="));
    // Refusals name what is wrong.
    assert!(Sheet::decode("h=%G1").unwrap_err().contains("bad escape"));
    assert!(Sheet::decode("h=%FF").unwrap_err().contains("UTF-8"));
    assert!(Sheet::decode("nothing=1")
        .unwrap_err()
        .contains("no exercise `nothing`"));
    let long = format!("h={}", "x".repeat(MAX_LINK_BYTES));
    assert!(Sheet::decode(&long).unwrap_err().contains("at most"));
    assert!(sheet
        .set("h", &"x".repeat(5000))
        .unwrap_err()
        .contains("at most 4096"));
}

#[test]
fn exercises_come_in_the_lectures_order_with_the_models_numbers() {
    let lab = lab(1);
    let views = lab.exercises();
    let ids: Vec<&str> = views.iter().map(|v| v.id.as_str()).collect();
    let mut want: Vec<&str> = ORDER.to_vec();
    want.extend(["cross_entropy", "batchnorm"]);
    assert_eq!(ids, want);
    let vocab = dataset().vocab.size();
    for v in &views {
        assert!(!v.meaning.contains('{'), "{}: {}", v.id, v.meaning);
        assert_eq!(v.verdict.status, VerdictStatus::Empty, "{}", v.id);
        let t = lab
            .forward
            .get(&v.tensor)
            .or(lab.params.get(&v.tensor))
            .unwrap();
        assert_eq!(v.shape, t.shape(), "{}", v.id);
        assert_eq!(v.gradient, format!("d{}", v.tensor));
        assert_eq!(v.key_line.is_some(), v.number > 1, "{}", v.id);
    }
    let logprobs = &views[0].meaning;
    assert!(
        logprobs.contains(&format!("n = {}", lab.config.batch)),
        "{logprobs}"
    );
    assert!(
        logprobs.contains(&format!("({}, {vocab})", lab.config.batch)),
        "{logprobs}"
    );
    assert!(views[16]
        .meaning
        .contains(&format!("n-1 = {}", lab.config.batch - 1)));
}

#[test]
fn the_chapter_text_carries_the_models_numbers() {
    let lab = lab(5);
    let parts = lab.parts();
    assert_eq!(
        parts.iter().map(|p| p.number).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    for p in &parts {
        assert!(!p.text.contains('{') && !p.title.is_empty(), "{p:?}");
    }
    let intro = &parts[0].text;
    assert!(
        intro.contains(&format!("{} parameters", lab.params.n_params())),
        "{intro}"
    );
    assert!(
        intro.contains(&format!("{:.4}", lab.forward.loss)),
        "{intro}"
    );
    let vocab = dataset().vocab.size();
    assert!(
        intro.contains(&format!("C ({vocab}, {})", lab.config.n_embd)),
        "{intro}"
    );
    assert!(parts[1].text.contains(&format!("n = {}", lab.config.batch)));
}

#[test]
fn hints_come_in_steps_and_end_with_a_right_answer() {
    let lab = lab(2);
    let h = lab.hints("counts_sum_inv", 3).unwrap();
    assert_eq!(h.len(), 3);
    assert_eq!(
        h[0],
        format!(
            "dcounts_sum_inv has the shape of counts_sum_inv: ({}, 1)",
            lab.config.batch
        )
    );
    assert!(h[1].contains("sum over dimension 1"), "{}", h[1]);
    assert_eq!(
        lab.check("counts_sum_inv", &h[2]).status,
        VerdictStatus::Exact
    );
    assert_eq!(lab.hints("counts_sum_inv", 1).unwrap().len(), 1);
    // The text's numbers are the batch's: dlogit_maxes's size on this batch.
    let maxes = lab.grads.get("logit_maxes").unwrap();
    let big = maxes.data().iter().fold(0.0f32, |m, v| m.max(v.abs()));
    assert!(lab.hints("logit_maxes", 2).unwrap()[1].contains(&format!("{big:.1e}")));
    assert!(lab.hints("nothing", 1).unwrap_err().contains("no exercise"));
}

#[test]
fn answers_are_kept_and_judged_again_on_the_next_batch() {
    let mut lab = lab(3);
    assert_eq!(
        lab.answer("h", "dh = dlogits @ W2.T").status,
        VerdictStatus::Exact
    );
    assert_eq!(
        lab.answer("W2", "dW2 = dlogits.T @ h").status,
        VerdictStatus::Wrong
    );
    assert_eq!(lab.sheet.get("h"), "dh = dlogits @ W2.T");
    let before = lab.batch.clone();
    lab.next_batch().unwrap();
    assert_ne!(lab.batch, before, "another batch");
    let views = lab.exercises();
    let status = |id: &str| views.iter().find(|v| v.id == id).unwrap().verdict.status;
    assert_eq!(status("h"), VerdictStatus::Exact);
    assert_eq!(status("W2"), VerdictStatus::Wrong);
    assert_eq!(status("b2"), VerdictStatus::Empty);
    let v = lab.answer("nothing", "x = 1");
    assert_eq!(v.status, VerdictStatus::Error);
    assert!(v.message.contains("no exercise"), "{v:?}");
}

#[test]
fn views_are_serde_types() {
    let mut lab = lab(4);
    lab.answer("probs", "dprobs = (1.0 / probs) * dlogprobs");
    let views = lab.exercises();
    let json = serde_json::to_string(&views[1]).unwrap();
    assert!(json.contains("\"status\":\"exact\""), "{json}");
    assert!(json.contains("\"cmp\":\"probs "), "{json}");
    let back: makemore_lab::backprop::ExerciseView = serde_json::from_str(&json).unwrap();
    assert_eq!(back, views[1]);
    let sheet: Sheet = serde_json::from_str(&serde_json::to_string(&lab.sheet).unwrap()).unwrap();
    assert_eq!(sheet, lab.sheet);
}
