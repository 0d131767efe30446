package mirage.http;

import mirage.testkit.ModuleSurfaceTest;

/** The module's surface: descriptor golden file and signature-only exports. */
class SurfaceTest implements ModuleSurfaceTest {}
