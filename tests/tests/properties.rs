//! Round-trip property of every generated type: encode → decode = identity for random values,
//! including absent/nil/value, unknown enumeration values and markup-significant strings.

#[test]
fn every_generated_type_round_trips() {
    // 64 random values per type: about 9,000 documents in a few seconds in debug builds.
    if let Err(failure) = mktows::check_round_trips(64) {
        panic!("{failure}");
    }
}

#[test]
fn enum_strategies_produce_unknown_values() {
    use mktows_runtime::proptest::prelude::*;
    use mktows_runtime::proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = any::<mktows::LeadKeyRef>();
    let unknown = (0..200)
        .filter(|_| {
            let value = strategy.new_tree(&mut runner).expect("value").current();
            matches!(value, mktows::LeadKeyRef::Unknown(_))
        })
        .count();
    assert!(
        unknown > 0,
        "the strategy must exercise the Unknown variant"
    );
}
