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
