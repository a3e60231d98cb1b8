"""Risk assessment: factors and weights as data, assessments with their history."""
