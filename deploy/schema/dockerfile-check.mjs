// Lints the Dockerfiles named on the command line with dockerfile-utils (the parser behind the VS Code Docker
// extension): unknown instructions or flags, wrong argument counts, bad HEALTHCHECK options. Errors fail the check.
import { readFileSync } from "node:fs";
import { validate } from "dockerfile-utils";

let errors = 0;
for (const file of process.argv.slice(2)) {
  for (const problem of validate(readFileSync(file, "utf8"))) {
    const error = problem.severity === 1;
    errors += error ? 1 : 0;
    console.error(`${file}:${problem.range.start.line + 1}: ${error ? "error" : "warning"}: ${problem.message}`);
  }
}
console.log(`dockerfiles: ${process.argv.length - 2} checked, ${errors} errors`);
process.exit(errors ? 1 : 0);
