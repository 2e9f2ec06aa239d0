//! The documentation's scheduleCampaign scenario: schedule the batch campaign
//! "Batch Campaign Example" of program "Trav-Demo-Program" five minutes from now, overriding two
//! My Tokens and cloning the program to "TestProgramCloneFromSOAP".
//!
//! ```sh
//! cargo run --example schedule_campaign            # against the embedded emulator
//! cargo run --example schedule_campaign -- --debug # also print the raw SOAP request/response
//! ```
//!
//! With `MARKETO_SOAP_ENDPOINT`, `MARKETO_USER_ID` and `MARKETO_ENCRYPTION_KEY` set, the call goes
//! to that endpoint instead.

use std::error::Error;
use std::process::ExitCode;
use std::time::{SystemTime, UNIX_EPOCH};

use mktows::{ArrayOfAttrib, Attrib, ParamsScheduleCampaign};
use mktows_examples::{Target, args, connect, debug_flag, help_flag, only_debug_flag, usage_error};
use mktows_runtime::{DateTime, Nillable};

const PROGRAM: &str = "Trav-Demo-Program";
const CAMPAIGN: &str = "Batch Campaign Example";
const CLONE: &str = "TestProgramCloneFromSOAP";

const USAGE: &str = "schedule_campaign [--debug]";

#[tokio::main]
async fn main() -> ExitCode {
    let args = args();
    if let Err(e) = only_debug_flag(&args) {
        return usage_error("schedule_campaign", &e, USAGE);
    }
    if help_flag(&args) {
        println!("usage: {USAGE}");
        return ExitCode::SUCCESS;
    }
    let target = match connect(debug_flag(&args)).await {
        Ok(t) => t,
        Err(e) => {
            eprintln!("schedule_campaign: cannot set up the client: {e}");
            return ExitCode::FAILURE;
        }
    };
    match run(&target).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("schedule_campaign: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The scenario against `target`.
pub async fn run(target: &Target) -> Result<(), Box<dyn Error>> {
    println!("Target: {}", target.describe());

    let mut params = ParamsScheduleCampaign::new(PROGRAM, CAMPAIGN);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0));
    params.campaign_run_at = Nillable::Value(DateTime::from_unix(now + 300, 0));
    params.clone_to_program_name = Some(CLONE.to_owned());
    let mut tokens = ArrayOfAttrib::new();
    tokens.attrib = vec![
        Attrib::new("{{my.message}}", "Updated message"),
        Attrib::new("{{my.other token}}", "Value for other token"),
    ];
    params.program_token_list = Nillable::Value(tokens);

    let result = target
        .client
        .schedule_campaign(&params)
        .await
        .map_err(|e| format!("scheduleCampaign failed: {e}"))?;
    println!(
        "scheduleCampaign {CAMPAIGN:?} in {PROGRAM:?} (clone {CLONE:?}): success = {}",
        result.result.success
    );

    if let Some(emulator) = &target.emulator {
        let state = emulator.state();
        for run in state.campaign_runs() {
            println!(
                "Emulator: run #{} of {:?} in program {:?}, at {}",
                run.id, run.campaign_name, run.program_name, run.run_at
            );
            for (name, value) in &run.tokens {
                println!("  {name} = {value:?}");
            }
        }
        if let Some(p) = state.program(CLONE) {
            println!(
                "Emulator: program {:?} (id {}) cloned from {:?}",
                p.name,
                p.id,
                p.cloned_from.as_deref().unwrap_or("?")
            );
        }
    }
    Ok(())
}
