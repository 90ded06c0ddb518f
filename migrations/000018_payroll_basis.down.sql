ALTER TABLE payroll_lines DROP COLUMN other_deduction_ore;
DROP INDEX attendance_unexcused_idx;
