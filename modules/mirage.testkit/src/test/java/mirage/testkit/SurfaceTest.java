package mirage.testkit;

/** mirage.testkit keeps its own rules: its export holds only interfaces, records and enums. */
class SurfaceTest implements ModuleSurfaceTest {}
