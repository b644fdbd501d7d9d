"""People with meritorious services, social-protection beneficiaries, allowances and dossiers."""
