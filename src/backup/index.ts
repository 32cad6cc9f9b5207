// The backup pillar's public surface.
export {};
