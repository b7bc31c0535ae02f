import { Box, Button, Typography } from '@mui/material';
import { Link } from 'react-router-dom';

export function NotFoundPage() {
  return (
    <Box sx={{ textAlign: 'center', mt: 12 }}>
      <Typography variant="h4" component="h1">
        Error 404! Page Not Found!
      </Typography>
      <Button component={Link} to="/" sx={{ mt: 3 }} variant="outlined">
        Back to the graphs
      </Button>
    </Box>
  );
}
