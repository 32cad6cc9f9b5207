// The slo pillar's public surface.
export {};
