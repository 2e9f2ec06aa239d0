#!/usr/bin/env node
// Decode a getMultipleLeads response envelope with node-soap (the `soap` package), offline.
//
// Usage: node_soap_decode.js WSDL FILE [SECONDS [MIN_RUNS]]
//
// Loads our WSDL from the file, then times `client.wsdl.xmlToObject(xml)`: what node-soap
// does with every reply body (sax parse + schema-driven conversion to objects). The input is
// handed over as a string, as node-soap receives it from its HTTP layer. Prints one line like
// zeep_decode.py. Resolve `soap` with NODE_PATH (run.sh installs it under target/).
'use strict';

const fs = require('fs');
const soap = require('soap');

async function main() {
  const [wsdl, file, secs, minRuns] = process.argv.slice(2);
  if (!wsdl || !file) {
    console.error('usage: node_soap_decode.js WSDL FILE [SECONDS [MIN_RUNS]]');
    process.exit(2);
  }
  const budget = (secs === undefined ? 3 : Number(secs)) * 1000;
  const min = minRuns === undefined ? 3 : Number(minRuns);
  const xml = fs.readFileSync(file, 'utf8');
  const bytes = Buffer.byteLength(xml, 'utf8');
  const client = await soap.createClientAsync(wsdl);

  let best = Infinity;
  let runs = 0;
  let leads = 0;
  const start = Date.now();
  while (runs < min || Date.now() - start < budget) {
    const t = process.hrtime.bigint();
    const obj = client.wsdl.xmlToObject(xml);
    const dt = Number(process.hrtime.bigint() - t) / 1e9;
    best = Math.min(best, dt);
    if (runs === 0) {
      const body = obj.Body || obj;
      const success = body.successGetMultipleLeads;
      const records = success.result.leadRecordList.leadRecord;
      leads = records.length;
      if (records[0].Email !== 'lead1@example.invalid') throw new Error('bad first Email');
      if (records[0].leadAttributeList.attribute.length !== 20) throw new Error('bad attributes');
    }
    runs += 1;
  }
  const version = require('soap/package.json').version;
  console.log(`node-soap ${version} (node ${process.versions.node})\t${(bytes / best / 1e6).toFixed(1)}\t${runs}\t${leads}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
