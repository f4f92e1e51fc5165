//! Issue: Foundation — index a directory and search it, end to end.

use crate::common::*;
use predicates::prelude::*;

#[test]
fn rare_earth_phrase_ranks_the_rare_earth_story_first() {
    let ix = Indexed::sample();
    let v = ix.search_json("\"rare earth\"", &[]);
    let ids = ids(&v);
    assert!(ids.len() >= 3, "several articles mention rare earths: {ids:?}");
    assert_eq!(ids[0], "energy/india-japan-rare-earth-pact.txt");
}

#[test]
fn exit_codes_are_0_hits_1_none_2_error() {
    let ix = Indexed::sample();
    ix.cmd(&["search", "Fukushima"]).assert().code(0);
    ix.cmd(&["search", "zzyzxnotaword"]).assert().code(1);
    newsidx()
        .args(["search", "Fukushima", "--index"])
        .arg(ix.path().join("missing"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("newsidx index"));
}
