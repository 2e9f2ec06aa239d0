//! Imports a small CSV of leads into the static list "Trav-Test-List" of "Trav-Demo-Program"
//! with a per-lead My Token column, polls getImportToListStatus until the import completes,
//! then schedules "Batch Campaign Example" with one token override.
//!
//! Token precedence for the run: the per-lead value from the import beats the scheduleCampaign
//! value, which beats the program's own My Token.
//!
//! ```sh
//! cargo run --example import_and_schedule [-- --debug]
//! ```

use std::process::ExitCode;
use std::time::Duration;

use mktows::{
    ArrayOfAttrib, ArrayOfString, Attrib, ImportToListModeEnum, ImportToListStatusEnum,
    ParamsGetImportToListStatus, ParamsImportToList, ParamsScheduleCampaign,
};
use mktows_examples::{Target, args, connect, debug_flag, help_flag, only_debug_flag, usage_error};
use mktows_runtime::Nillable;

const PROGRAM: &str = "Trav-Demo-Program";
const LIST: &str = "Trav-Test-List";
const CAMPAIGN: &str = "Batch Campaign Example";

/// The import file: field display names, then a token column.
const CSV: &str = "\
Email Address,First Name,Last Name,Company Name,{{my.message}}
import1@example.invalid,Riley,Importer,Example Widgets,Hello Riley
import2@example.invalid,Sam,Loader,\"Sample Gadgets, Inc.\",Welcome back Sam
import3@example.invalid,Tay,Batch,Example Widgets,Hi Tay
";

const USAGE: &str = "import_and_schedule [--debug]";

#[tokio::main]
async fn main() -> ExitCode {
    let args = args();
    if let Err(e) = only_debug_flag(&args) {
        return usage_error("import_and_schedule", &e, USAGE);
    }
    if help_flag(&args) {
        println!("usage: {USAGE}");
        return ExitCode::SUCCESS;
    }
    let target = match connect(debug_flag(&args)).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("import_and_schedule: cannot set up the client: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&target).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("import_and_schedule: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The scenario against `target`.
pub async fn run(target: &Target) -> Result<(), Box<dyn std::error::Error>> {
    println!("Target: {}", target.describe());
    let client = &target.client;

    let mut lines = CSV.lines();
    let header = lines.next().unwrap_or_default();
    let mut rows = ArrayOfString::new();
    rows.string_item = lines.map(str::to_owned).collect();
    let mut import = ParamsImportToList::new(
        PROGRAM,
        header,
        rows,
        ImportToListModeEnum::Upsertleads,
        LIST,
        false,
    );
    import.campaign_name = Some(CAMPAIGN.to_owned());
    let started = client.import_to_list(&import).await?;
    println!("importToList: {}", started.result.import_status);

    // The service asks clients to poll at most once a minute; the emulator finishes quickly.
    let interval = if target.emulator.is_some() {
        Duration::from_millis(200)
    } else {
        Duration::from_secs(60)
    };
    let mut status_params = ParamsGetImportToListStatus::new();
    status_params.program_name = Some(PROGRAM.to_owned());
    status_params.list_name = Some(LIST.to_owned());
    let mut done = false;
    for _ in 0..30 {
        tokio::time::sleep(interval).await;
        let status = client
            .get_import_to_list_status(&status_params)
            .await?
            .result;
        println!(
            "getImportToListStatus: {} (rows imported: {})",
            status.status,
            status
                .rows_imported
                .value()
                .map_or_else(|| "-".to_owned(), i32::to_string)
        );
        match status.status {
            ImportToListStatusEnum::Complete => {
                done = true;
                break;
            }
            ImportToListStatusEnum::Processing => {}
            other => return Err(format!("the import ended with status {other}").into()),
        }
    }
    if !done {
        return Err("the import did not complete in time".into());
    }

    let mut schedule = ParamsScheduleCampaign::new(PROGRAM, CAMPAIGN);
    let mut tokens = ArrayOfAttrib::new();
    tokens.attrib = vec![Attrib::new("{{my.other token}}", "Set by scheduleCampaign")];
    schedule.program_token_list = Nillable::Value(tokens);
    let r = client.schedule_campaign(&schedule).await?;
    println!("scheduleCampaign: success = {}", r.result.success);

    if let Some(emulator) = &target.emulator {
        let state = emulator.state();
        if let Some(run) = state.campaign_runs().last() {
            println!(
                "Emulator: run #{} of {:?} for {} leads",
                run.id,
                run.campaign_name,
                run.lead_ids.len()
            );
            for (lead, tokens) in &run.lead_tokens {
                let email = state.lead(*lead).and_then(|l| l.email).unwrap_or_default();
                println!("  lead {lead} <{email}>:");
                for (name, value) in tokens {
                    println!("    {name} = {value:?}");
                }
            }
        }
    }
    Ok(())
}
