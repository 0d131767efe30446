package mirage.block;

import mirage.testkit.ModuleArchitectureTest;

/** Layer and internal-package rules. */
class ArchitectureTest implements ModuleArchitectureTest {}
