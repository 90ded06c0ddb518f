-- Payroll basis (utbetalingsgrunnlag, issue 8 item 8).
--
-- A month's unexcused absence per participant is read for every participant
-- of a unit at once (one LATERAL lookup per person): this partial index
-- answers it from the index alone, without visiting the ~5 million
-- attendance rows of other reasons.
CREATE INDEX attendance_unexcused_idx ON attendance (person_id, day) INCLUDE (absent_minutes)
    WHERE reason = 'unexcused';

-- An approved line keeps its other deductions (benefit_deductions) apart
-- from the absence deduction, so the locked month shows both as approved.
ALTER TABLE payroll_lines ADD COLUMN other_deduction_ore bigint NOT NULL DEFAULT 0;
