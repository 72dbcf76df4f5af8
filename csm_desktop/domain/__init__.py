"""Plain data and pure rules of onboarding: no Qt, no SQL, ``today`` always a parameter."""
