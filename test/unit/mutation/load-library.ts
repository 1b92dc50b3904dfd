// A setup file of the mutation-testing run (vitest.mutation.config.mts): loads the library before any test, so
// the code that runs while src/ loads (the presets, the tables built at import) counts as loading code, not as
// code of the first test that happens to import src/ inside a test (the docs examples do). Stryker then knows
// which mutants only loading runs ("static", see CONTRIBUTING.md, "Mutation testing").
import "../../../src";
