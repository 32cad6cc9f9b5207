// The chaos pillar's public surface.
export {};
