//! Runs the three examples against the embedded emulator and checks what they did.

#[path = "../schedule_campaign.rs"]
#[allow(dead_code)]
mod schedule_campaign;

#[path = "../import_and_schedule.rs"]
#[allow(dead_code)]
mod import_and_schedule;

#[path = "../export_leads.rs"]
#[allow(dead_code)]
mod export_leads;

use mktows_examples::embedded;

#[tokio::test]
async fn schedule_campaign_runs_the_documented_scenario() {
    let target = embedded(false).await.expect("emulator");
    schedule_campaign::run(&target)
        .await
        .expect("example succeeds");
    let state = target.emulator.as_ref().expect("embedded").state();
    let runs = state.campaign_runs();
    assert_eq!(runs.len(), 1);
    assert_eq!(runs[0].program_name, "TestProgramCloneFromSOAP");
    assert_eq!(runs[0].tokens["{{my.message}}"], "Updated message");
    assert_eq!(
        runs[0].tokens["{{my.other token}}"],
        "Value for other token"
    );
    assert_eq!(
        state
            .program("TestProgramCloneFromSOAP")
            .expect("clone")
            .cloned_from
            .as_deref(),
        Some("Trav-Demo-Program")
    );
}

#[tokio::test]
async fn import_and_schedule_applies_per_lead_tokens() {
    let target = embedded(false).await.expect("emulator");
    import_and_schedule::run(&target)
        .await
        .expect("example succeeds");
    let state = target.emulator.as_ref().expect("embedded").state();
    let run = state.campaign_runs().pop().expect("run");
    let messages: Vec<(String, String, String)> = run
        .lead_tokens
        .iter()
        .map(|(id, t)| {
            (
                state.lead(*id).and_then(|l| l.email).unwrap_or_default(),
                t["{{my.message}}"].clone(),
                t["{{my.other token}}"].clone(),
            )
        })
        .collect();
    let expect = |e: &str, m: &str| {
        (
            e.to_owned(),
            m.to_owned(),
            "Set by scheduleCampaign".to_owned(),
        )
    };
    assert_eq!(
        messages,
        [
            expect("import1@example.invalid", "Hello Riley"),
            expect("import2@example.invalid", "Welcome back Sam"),
            expect("import3@example.invalid", "Hi Tay"),
        ]
    );
    assert_eq!(
        run.lead_ids.len(),
        5,
        "two list members and three imported leads"
    );
}

#[tokio::test]
async fn export_leads_streams_every_page() {
    let target = embedded(false).await.expect("emulator");
    let mut out = Vec::new();
    export_leads::run(&["--batch-size".into(), "60".into()], &target, &mut out)
        .await
        .expect("example succeeds");
    let text = String::from_utf8(out).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "Id,Email,FirstName,LastName,Company,LeadScore");
    let exported: Vec<&str> = lines[1..]
        .iter()
        .copied()
        .filter(|l| l.contains("@example.invalid") && l.contains(",export"))
        .collect();
    assert_eq!(exported.len(), 250);
    assert_eq!(
        exported[0],
        "1006,export1@example.invalid,Export1,Example,,1"
    );
    let ids: Vec<i32> = lines[1..]
        .iter()
        .map(|l| {
            l.split(',')
                .next()
                .and_then(|i| i.parse().ok())
                .expect("id")
        })
        .collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "no repeats, in order");
    let requests = target
        .emulator
        .as_ref()
        .expect("embedded")
        .state()
        .requests();
    let pages = requests
        .iter()
        .filter(|r| r.operation == Some("getMultipleLeads"))
        .count();
    assert_eq!(pages, 5, "250 leads in pages of 60");
}

#[tokio::test]
async fn export_leads_by_ids_creates_no_demo_leads() {
    let target = embedded(false).await.expect("emulator");
    let state = target.emulator.as_ref().expect("embedded").state().clone();
    let before = state.lead_count();
    let mut out = Vec::new();
    export_leads::run(&["--ids".into(), "1001,1002".into()], &target, &mut out)
        .await
        .expect("example succeeds");
    assert_eq!(state.lead_count(), before, "no leads created");
    assert!(
        !state
            .requests()
            .iter()
            .any(|r| r.operation == Some("syncMultipleLeads")),
        "no syncMultipleLeads"
    );
    let text = String::from_utf8(out).expect("UTF-8");
    let ids: Vec<&str> = text
        .lines()
        .skip(1)
        .map(|l| l.split(',').next().unwrap_or_default())
        .collect();
    assert_eq!(ids, ["1001", "1002"]);
}

#[test]
fn export_leads_refuses_unknown_arguments() {
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert!(export_leads::parse_args(&args(&["--ids", "1,2", "--debug"])).is_ok());
    let e = export_leads::parse_args(&args(&["--bogus"]))
        .err()
        .expect("refused");
    assert!(e.contains("--bogus"), "{e}");
    assert!(export_leads::parse_args(&args(&["--ids"])).is_err());
}

#[test]
fn only_debug_is_accepted_by_the_scenario_examples() {
    use mktows_examples::only_debug_flag;
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(only_debug_flag(&args(&[])), Ok(()));
    assert_eq!(only_debug_flag(&args(&["--debug"])), Ok(()));
    assert_eq!(only_debug_flag(&args(&["--help"])), Ok(()));
    assert_eq!(
        only_debug_flag(&args(&["--debug", "--bogus"])),
        Err("unknown argument \"--bogus\"".to_owned())
    );
}

#[test]
fn the_environment_selects_all_or_nothing() {
    use mktows_examples::{EnvTarget, env_target};
    let env = |set: &[&str]| {
        let set: Vec<String> = set.iter().map(|s| (*s).to_owned()).collect();
        move |v: &str| set.iter().any(|s| s == v).then(|| "x".to_owned())
    };
    assert_eq!(env_target(env(&[])), Ok(EnvTarget::Emulator));
    assert_eq!(
        env_target(env(&[
            "MARKETO_SOAP_ENDPOINT",
            "MARKETO_USER_ID",
            "MARKETO_ENCRYPTION_KEY"
        ])),
        Ok(EnvTarget::Endpoint)
    );
    let e = env_target(env(&["MARKETO_SOAP_ENDPOINT"])).expect_err("partial");
    assert!(
        e.starts_with("MARKETO_USER_ID, MARKETO_ENCRYPTION_KEY not set:") && !e.contains('\n'),
        "{e}"
    );
    let e = env_target(env(&["MARKETO_USER_ID", "MARKETO_ENCRYPTION_KEY"])).expect_err("partial");
    assert!(e.starts_with("MARKETO_SOAP_ENDPOINT not set:"), "{e}");
    // An empty value counts as unset.
    let e = env_target(|v: &str| Some(if v == "MARKETO_USER_ID" { "" } else { "x" }.to_owned()))
        .expect_err("empty user id");
    assert!(e.starts_with("MARKETO_USER_ID not set:"), "{e}");
    assert_eq!(
        env_target(|_: &str| Some(String::new())),
        Ok(EnvTarget::Emulator)
    );
}
