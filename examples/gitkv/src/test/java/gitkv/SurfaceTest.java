package gitkv;

import mirage.testkit.ModuleSurfaceTest;

/** The module's surface: descriptor golden file (an application's exports are not limited to signatures). */
class SurfaceTest implements ModuleSurfaceTest {}
