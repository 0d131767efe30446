package mirage.http;

import mirage.testkit.ModuleArchitectureTest;

/** Layer rules and internal-package rules of DESIGN.md §2-3. */
class ArchitectureTest implements ModuleArchitectureTest {}
