#!/usr/bin/env python3
"""Decode a getMultipleLeads response envelope with suds (suds-community), offline.

Usage: suds_decode.py WSDL FILE [SECONDS [MIN_RUNS]]

Loads our WSDL from the file and feeds the reply to the operation through suds' documented
reply injection (``__inject={'reply': ...}``): suds builds the request but sends nothing, then
parses the reply with its SAX parser and unmarshals it against the schema. Building the tiny
request is part of each timed run (it is negligible next to the 22 MB reply). Prints one line
like ``zeep_decode.py``.
"""

import logging
import os
import sys
import time

import suds
from suds.client import Client


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    wsdl, path = sys.argv[1], sys.argv[2]
    budget = float(sys.argv[3]) if len(sys.argv) > 3 else 3.0
    min_runs = int(sys.argv[4]) if len(sys.argv) > 4 else 3
    with open(path, "rb") as f:
        data = f.read()
    logging.disable(logging.CRITICAL)

    client = Client("file://" + os.path.abspath(wsdl), cache=None)

    def decode():
        return client.service.getMultipleLeads(__inject={"reply": data})

    best = float("inf")
    runs = 0
    leads = 0
    start = time.perf_counter()
    while runs < min_runs or time.perf_counter() - start < budget:
        t = time.perf_counter()
        result = decode()
        best = min(best, time.perf_counter() - t)
        if runs == 0:
            # Checked outside the timing, on the first run's result.
            records = result.leadRecordList.leadRecord
            leads = len(records)
            assert records[0].Email == "lead1@example.invalid", records[0].Email
            assert len(records[0].leadAttributeList.attribute) == 20
            del records
        del result
        runs += 1
    name = "suds-community %s" % suds.__version__
    print("%s\t%.1f\t%d\t%d" % (name, len(data) / best / 1e6, runs, leads))


if __name__ == "__main__":
    main()
