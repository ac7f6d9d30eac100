//! What a teacher hides with a link (issue 19, "a student view in one click"): every panel has a
//! plain name and is an element of the page, every chart of the lesson can be hidden, a link
//! with hidden charts reads back what it wrote, and the student view of every chapter hides the
//! teacher's panels and the charts the chapter does not use, never its key charts.

use makemore_lab::charts::ChartId;
use makemore_lab::lesson::{self, ChapterId};
use makemore_lab::session::link::Link;
use makemore_lab::session::panels::{hideable, student_view, Panel, STUDENT_HIDES, STUDENT_KEEPS};
use makemore_lab::session::protocol::PageOptions;
use makemore_lab::session::settings::Settings;
use makemore_lab::session::setup::Setup;

/// The page's frame, where each panel is an element.
const INDEX_HTML: &str = include_str!("../../www/index.html");

#[test]
fn every_panel_has_a_plain_name_and_is_an_element_of_the_page() {
    for &p in Panel::ALL {
        assert!(
            INDEX_HTML.contains(&format!("id=\"{p}\"")),
            "no element #{p} in index.html"
        );
        // A name a teacher reads: words, not the element id.
        let name = p.plain();
        assert!(name.contains(' ') && name != p.name(), "{p}: {name}");
        assert!(!name.contains('_') && !name.contains('#'), "{p}: {name}");
    }
    let list = hideable();
    let mut ids: Vec<&str> = list.iter().map(|h| h.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), list.len(), "an id hides one thing");
    let mut names: Vec<&str> = list.iter().map(|h| h.name).collect();
    names.sort_unstable();
    names.dedup();
    assert_eq!(names.len(), list.len(), "every name says which one");
}

#[test]
fn every_chart_of_the_lesson_can_be_hidden_by_its_id_and_caption() {
    let list = hideable();
    for &c in ChartId::ALL {
        let h = list.iter().find(|h| h.id == c.name());
        if c == ChartId::Sheet {
            // The backprop sheet's chart is on a page of its own.
            assert!(h.is_none(), "the sheet's chart is not the lesson's");
            continue;
        }
        let h = h.unwrap_or_else(|| panic!("chart {c} cannot be hidden"));
        assert!(h.chart && !h.name.is_empty(), "{h:?}");
    }
    // The panels first, then the charts, in the page's order.
    let first_chart = list.iter().position(|h| h.chart).unwrap();
    assert_eq!(first_chart, Panel::ALL.len());
    assert!(list[first_chart..].iter().all(|h| h.chart));
}

#[test]
fn a_link_with_charts_hidden_reads_back_what_it_wrote() {
    let setup = Setup::Chapter(ChapterId::Kaiming);
    let s = Settings::chapter(ChapterId::Kaiming);
    // Out of order, twice, and a stranger the page cannot hide: written once each, in the
    // page's order, the stranger left out.
    let page = PageOptions {
        present: false,
        hidden: ["kaiming", "runs", "lr", "kaiming", "nothing", "upload"]
            .map(String::from)
            .to_vec(),
    };
    let q = Link::query(&setup, &s, None, &page);
    assert_eq!(q, "chapter=kaiming&hide=upload,runs,lr,kaiming");
    let back = Link::parse(&q).unwrap();
    assert_eq!(back.page.hidden, ["upload", "runs", "lr", "kaiming"]);
    assert_eq!(Link::query(&setup, &s, None, &back.page), q);
    let e = Link::parse("chapter=kaiming&hide=lr,sheet").unwrap_err();
    assert!(e.contains("nothing called 'sheet'"), "{e}");
}

#[test]
fn the_student_view_hides_what_a_student_does_not_need_and_its_link_round_trips() {
    for c in lesson::chapters() {
        let hidden = student_view(c.key_charts);
        for p in STUDENT_HIDES {
            assert!(hidden.contains(&p.name()), "{}: {p} not hidden", c.id);
        }
        for &k in c.key_charts {
            assert!(
                !hidden.contains(&k.name()),
                "{}: key chart {k} hidden",
                c.id
            );
        }
        for &chart in ChartId::ALL {
            let used = c.key_charts.contains(&chart) || STUDENT_KEEPS.contains(&chart);
            if chart != ChartId::Sheet && !used {
                assert!(hidden.contains(&chart.name()), "{}: {chart} shown", c.id);
            }
        }
        // The link it writes opens the same view.
        let page = PageOptions {
            present: false,
            hidden: hidden.iter().map(|h| h.to_string()).collect(),
        };
        let setup = Setup::Chapter(c.id);
        let q = Link::query(&setup, &Settings::chapter(c.id), None, &page);
        let back = Link::parse(&q).unwrap();
        assert_eq!(back.setup, Some(setup));
        assert_eq!(back.page.hidden, hidden, "{q}");
    }
    // Chapter 5 in full: its key charts are the pre-activations, the map and the loss.
    let c = ChapterId::FixTanh.chapter();
    let page = PageOptions {
        present: false,
        hidden: student_view(c.key_charts)
            .iter()
            .map(|h| h.to_string())
            .collect(),
    };
    let q = Link::query(&Setup::Chapter(c.id), &Settings::chapter(c.id), None, &page);
    let keys: Vec<&str> = c.key_charts.iter().map(|k| k.name()).collect();
    assert_eq!(
        q,
        "chapter=fix-tanh&hide=upload,custom,runs,lr,embedding,ratios,acts,grads,weight_grads,\
         running,kaiming",
        "key charts {keys:?}"
    );
}
