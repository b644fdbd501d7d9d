"""Employment-fund loans, job placements and border-labour passes."""
